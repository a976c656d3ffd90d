import { playerError } from '../playerError'
import { transcriptCues, type TranscriptCue, type TranscriptSource } from './transcriptCues'

export type TranscriptFormat = 'vtt' | 'srt' | 'txt' | 'json'

/** The formats `toTranscript` writes, with the media type to serve each as. */
export const TRANSCRIPT_TYPES: Readonly<Record<TranscriptFormat, string>> = {
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

/** `hh:mm:ss.mmm` (`sep` `,` for SRT); hours grow past 99 if they must. */
function timestamp(ms: number, sep: '.' | ','): string {
  const total = Math.max(0, Math.round(ms))
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  const hours = Math.floor(total / 3_600_000)
  const minutes = Math.floor(total / 60_000) % 60
  const seconds = Math.floor(total / 1000) % 60
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${sep}${pad(total % 1000, 3)}`
}

/** Lines of a cue's text: a blank line would end the cue, so there are none. */
function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map((line) => line.trim()).filter((line) => line !== '')
}

/** WebVTT cue text: `&`, `<` and `>` as character references, so markup in a name or a text stays text (and `-->` cannot occur). */
function vttText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

/** SubRip has no escaping: `-->` inside a text would read as a timing line, so it becomes `->`. */
function srtText(text: string): string {
  return text.replaceAll('-->', '->')
}

function vtt(cues: readonly TranscriptCue[]): string {
  const blocks = cues.map((cue, index) => {
    // `<v Speaker>` is how WebVTT names who speaks; the span runs to the end of the cue.
    const body = `<v ${vttText(cue.speaker)}>${lines(cue.text).map(vttText).join('\n')}`
    return `${index + 1}\n${timestamp(cue.startT, '.')} --> ${timestamp(cue.endT, '.')}\n${body}`
  })
  return `WEBVTT\n\n${blocks.map((block) => `${block}\n\n`).join('')}`
}

function srt(cues: readonly TranscriptCue[]): string {
  const blocks = cues.map((cue, index) => {
    const body = lines(srtText(cue.text))
    const text = [`${srtText(cue.speaker)}: ${body[0] ?? ''}`, ...body.slice(1)]
    return `${index + 1}\r\n${timestamp(cue.startT, ',')} --> ${timestamp(cue.endT, ',')}\r\n${text.join('\r\n')}`
  })
  return blocks.map((block) => `${block}\r\n\r\n`).join('')
}

function txt(cues: readonly TranscriptCue[]): string {
  return cues.map((cue) => `[${timestamp(cue.startT, '.')}] ${cue.speaker}: ${lines(cue.text).join(' ')}\n`).join('')
}

/**
 * The session's transcript (its final `transcript.segment`s) as WebVTT, SubRip, plain text or
 * JSON. Cue times are the segments' `startT`/`endT` in session time (00:00:00.000 is the session's
 * start); each cue names its speaker (`<v Speaker>` in WebVTT, `Speaker: ` before the text in
 * SubRip and text). Interim segments are left out; see `transcriptCues` for missing times. A
 * session without segments gives a valid empty file (`WEBVTT` alone, an empty SRT, `[]` cues).
 */
export function toTranscript(recording: { sessionId: string; events: readonly TranscriptSource[] }, format: TranscriptFormat): string {
  const cues = transcriptCues(recording.events)
  switch (format) {
    case 'vtt':
      return vtt(cues)
    case 'srt':
      return srt(cues)
    case 'txt':
      return txt(cues)
    case 'json':
      return `${JSON.stringify({ sessionId: recording.sessionId, cues }, null, 2)}\n`
    default:
      throw playerError('invalid_options', `Unknown transcript format ${JSON.stringify(format)}: use vtt, srt, txt or json.`)
  }
}

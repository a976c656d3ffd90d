import { unzipSync } from 'fflate'
import { parseSync } from 'subtitle'
import { describe, expect, test } from 'vitest'
import { WebVTTParser, type WebVttNode } from 'webvtt-parser'
import htmlEntities from 'webvtt-parser/html-entities.json'
import { makeEvents, supportSession, SESSION, type Spec } from '../../test/events'
import { loadRecording } from '../load/loadRecording'
import { toHtml } from './toHtml'
import { toTranscript } from './toTranscript'
import { DEFAULT_CUE_MS, transcriptCues } from './transcriptCues'
import { toZip } from './toZip'

/** A voice session: two speakers, an interim segment, an overlap, a segment without endT, markup in a name and a text. */
function voiceSession() {
  const rows: Spec[] = [
    [0, 'session.started', { userId: 'u1', feature: 'voice' }],
    [900, 'transcript.segment', { speaker: 'user', text: 'Where is', startT: 500, endT: 900, final: false }],
    [1600, 'transcript.segment', { speaker: 'user', text: 'Where is my order?', startT: 500, endT: 1600, final: true, confidence: 0.92 }],
    [2000, 'audio.output', { blobId: 'tts', part: 0, mimeType: 'audio/webm;codecs=opus', startT: 1800, durationMs: 2000, bytes: 2 }],
    // The assistant answers from 1.8 s to 4.3 s; the user talks over it from 4.0 s.
    [4300, 'transcript.segment', { speaker: 'assistant', text: 'It ships\n\ntomorrow --> by noon.', startT: 1800, endT: 4300, final: true }],
    [4600, 'transcript.segment', { speaker: 'user', text: 'Thanks', startT: 4000, endT: 4600, final: true }],
    // No endT: it lasts until the next cue (7.0 s), at most DEFAULT_CUE_MS.
    [6000, 'transcript.segment', { speaker: '<b>Eve</b> & co', text: 'Hello <i>there</i> & bye', startT: 6000, final: true }],
    [7000, 'transcript.segment', { speaker: 'assistant', text: 'Goodbye.', startT: 7000, final: true }],
    [9500, 'session.ended', { lastSeq: 8 }],
  ]
  return makeEvents('s_voice', rows)
}

const vttParser = () => new WebVTTParser(htmlEntities as Record<string, string>)

/** Text of a parsed WebVTT cue tree, and the names of any elements in it. */
function flatten(nodes: readonly WebVttNode[]): { text: string; elements: string[] } {
  let text = ''
  const elements: string[] = []
  for (const node of nodes) {
    if (node.type === 'text') text += node.value ?? ''
    if (node.type === 'object') {
      elements.push(node.name ?? '')
      const inner = flatten(node.children ?? [])
      text += inner.text
      elements.push(...inner.elements)
    }
  }
  return { text, elements }
}

describe('toTranscript', () => {
  test('WebVTT that the W3C parser accepts without an error: cue times from startT/endT, one voice per speaker, markup kept as text', async () => {
    const recording = await loadRecording(voiceSession())
    const vtt = toTranscript(recording, 'vtt')
    const { cues, errors } = vttParser().parse(vtt)
    expect(errors).toEqual([])
    expect(cues.map((cue) => [cue.startTime, cue.endTime])).toEqual([
      [0.5, 1.6],
      [1.8, 4.3],
      [4.0, 4.6], // overlaps the previous cue: both stay
      [6.0, 7.0], // no endT: until the next cue
      [7.0, 7.0 + DEFAULT_CUE_MS / 1000], // no endT, no next cue
    ])
    const voices = cues.map((cue) => cue.tree.children.filter((node) => node.name === 'v').map((node) => node.value))
    expect(voices).toEqual([['user'], ['assistant'], ['user'], ['&lt;b&gt;Eve&lt;/b&gt; &amp; co'], ['assistant']])
    const texts = cues.map((cue) => flatten(cue.tree.children))
    expect(texts.map((t) => t.text)).toEqual(['Where is my order?', 'It ships\ntomorrow --> by noon.', 'Thanks', 'Hello <i>there</i> & bye', 'Goodbye.'])
    // The name's and the text's tags are text, not WebVTT elements: only voice spans were parsed.
    expect(new Set(texts.flatMap((t) => t.elements))).toEqual(new Set(['v']))
  })

  test('SubRip that a parser reads back: numbered cues, comma milliseconds, "Speaker: text"', async () => {
    const recording = await loadRecording(voiceSession())
    const srt = toTranscript(recording, 'srt')
    const nodes = parseSync(srt)
    expect(nodes.map((node) => node.type)).toEqual(['cue', 'cue', 'cue', 'cue', 'cue'])
    expect(nodes.map((node) => (node.type === 'cue' ? [node.data.start, node.data.end, node.data.text] : []))).toEqual([
      [500, 1600, 'user: Where is my order?'],
      [1800, 4300, 'assistant: It ships\ntomorrow -> by noon.'],
      [4000, 4600, 'user: Thanks'],
      [6000, 7000, '<b>Eve</b> & co: Hello <i>there</i> & bye'],
      [7000, 7000 + DEFAULT_CUE_MS, 'assistant: Goodbye.'],
    ])
    expect(srt.startsWith('1\r\n00:00:00,500 --> 00:00:01,600\r\n')).toBe(true)
  })

  test('plain text and JSON carry the same cues', async () => {
    const recording = await loadRecording(voiceSession())
    expect(toTranscript(recording, 'txt').split('\n').slice(0, 2)).toEqual([
      '[00:00:00.500] user: Where is my order?',
      '[00:00:01.800] assistant: It ships tomorrow --> by noon.',
    ])
    const json = JSON.parse(toTranscript(recording, 'json')) as { sessionId: string; cues: unknown[] }
    expect(json.sessionId).toBe('s_voice')
    expect(json.cues).toEqual(transcriptCues(recording.events))
    expect(json.cues[0]).toEqual({ startT: 500, endT: 1600, speaker: 'user', text: 'Where is my order?', seq: 2, confidence: 0.92 })
  })

  test('a session without transcript segments gives valid empty files', async () => {
    const recording = await loadRecording(supportSession())
    const vtt = toTranscript(recording, 'vtt')
    expect(vttParser().parse(vtt)).toMatchObject({ cues: [], errors: [] })
    expect(vtt).toBe('WEBVTT\n\n')
    expect(parseSync(toTranscript(recording, 'srt'))).toEqual([])
    expect(toTranscript(recording, 'txt')).toBe('')
    expect(JSON.parse(toTranscript(recording, 'json'))).toEqual({ sessionId: SESSION, cues: [] })
  })

  test('hours past the first, a start without startT (the event time) and an unknown format', async () => {
    const recording = await loadRecording(makeEvents('s_long', [
      [0, 'session.started', {}],
      [3_723_456, 'transcript.segment', { speaker: 'user', text: 'late', endT: 3_724_000, final: true }],
    ]))
    expect(toTranscript(recording, 'vtt')).toContain('01:02:03.456 --> 01:02:04.000')
    expect(() => toTranscript(recording, 'doc' as 'vtt')).toThrow(expect.objectContaining({ code: 'invalid_options' }))
  })

  test('a sealed segment (read by a server without the key) is a cue that says [sealed]', () => {
    const cues = transcriptCues([{ type: 'transcript.segment', seq: 3, t: 1200, data: { sealed: 'AAAA' } }])
    expect(cues).toEqual([{ startT: 1200, endT: 1200 + DEFAULT_CUE_MS, speaker: 'unknown', text: '[sealed]', seq: 3 }])
  })
})

describe('transcripts in the other exports', () => {
  test('toHtml has a transcript section, every value escaped', async () => {
    const html = toHtml(await loadRecording(voiceSession()))
    expect(html).toContain('<h2>Transcript</h2>')
    expect(html).toContain('&lt;b&gt;Eve&lt;/b&gt; &amp; co')
    expect(html).toContain('Hello &lt;i&gt;there&lt;/i&gt; &amp; bye')
    expect(html).not.toContain('<b>Eve')
    expect(toHtml(await loadRecording(supportSession()))).not.toContain('<h2>Transcript</h2>')
  })

  test('toZip({ audio: false, transcripts: true }): the transcript in every format, no audio parts', async () => {
    const events = voiceSession()
    const recorder = {
      sessions: {
        get: async () => ({}),
        events: async (_id: string, { fromSeq = 0 } = {}) => events.filter((e) => e.seq >= fromSeq),
        blob: async () => new Blob([new Uint8Array([1, 2])], { type: 'audio/webm;codecs=opus' }),
      },
    }
    const recording = await loadRecording({ recorder, sessionId: 's_voice' })
    const files = unzipSync(await toZip(recording, { audio: false, transcripts: true, now: 0 }))
    expect(Object.keys(files).sort()).toEqual(['annotations.json', 'events.jsonl', 'metadata.json', 'snapshots.json', 'transcript.json', 'transcript.srt', 'transcript.txt', 'transcript.vtt'])
    expect(new TextDecoder().decode(files['transcript.vtt'])).toBe(toTranscript(recording, 'vtt'))
    const metadata = JSON.parse(new TextDecoder().decode(files['metadata.json'])) as { blobs: unknown[] }
    expect(metadata.blobs).toEqual([expect.objectContaining({ blobId: 'tts', part: 0, omitted: true })])
    // The default keeps the audio and adds no transcript.
    const full = unzipSync(await toZip(recording, { now: 0 }))
    expect(Object.keys(full)).toContain('audio/tts/0.webm')
    expect(Object.keys(full).filter((name) => name.startsWith('transcript.'))).toEqual([])
  })
})

import type { TranscriptSegmentData } from '@tapedeck/core'

/** One line of a transcript, in session time (ms since the session started, like `t`). */
export interface TranscriptCue {
  startT: number
  endT: number
  speaker: string
  text: string
  /** The `transcript.segment` event that carried it. */
  seq: number
  confidence?: number
}

/** What cues are read from: a recording's events, or events as a server stores them (`t` may be missing there). */
export interface TranscriptSource {
  type: string
  seq: number
  t?: number
  data?: unknown
}

/** A segment without a usable `endT` lasts until the next cue starts, and at most this long. */
export const DEFAULT_CUE_MS = 2000

/** What a cue says when its segment is sealed for a private key (`encryptForServer`) and was not opened. */
const SEALED = '[sealed]'

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/**
 * The final `transcript.segment`s of a session as cues, ordered by start (then seq). Interim
 * segments (`final: false`) are left out. A start that is missing falls back to the event's `t`;
 * an end that is missing or not after the start becomes the next cue's start, at most
 * `DEFAULT_CUE_MS` later. Overlapping cues (two speakers at once) stay as they were recorded.
 */
export function transcriptCues(events: readonly TranscriptSource[]): TranscriptCue[] {
  const cues: Array<TranscriptCue & { open: boolean }> = []
  for (const event of events) {
    if (event.type !== 'transcript.segment') continue
    const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Partial<TranscriptSegmentData> & { sealed?: unknown }
    const sealed = typeof data.sealed === 'string'
    if (!sealed && (data.final === false || typeof data.text !== 'string')) continue
    const startT = Math.max(0, finite(data.startT) ? data.startT : finite(event.t) ? event.t : 0)
    const open = !finite(data.endT) || data.endT <= startT
    const cue = {
      startT,
      endT: open ? startT + DEFAULT_CUE_MS : (data.endT as number),
      speaker: typeof data.speaker === 'string' && data.speaker.trim() !== '' ? data.speaker.trim() : 'unknown',
      text: sealed ? SEALED : (data.text as string),
      seq: event.seq,
      open,
    }
    if (finite(data.confidence)) Object.assign(cue, { confidence: data.confidence })
    cues.push(cue)
  }
  cues.sort((a, b) => a.startT - b.startT || a.seq - b.seq)
  return cues.map(({ open, ...cue }, index) => {
    const next = cues.slice(index + 1).find((other) => other.startT > cue.startT)
    if (open && next && next.startT < cue.endT) cue.endT = next.startT
    return cue
  })
}

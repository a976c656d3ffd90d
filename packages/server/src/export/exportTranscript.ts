import { toTranscript, TRANSCRIPT_TYPES } from '@tapedeck/player'
import type { WireEvent } from '../store/SessionStore.js'

/** The transcript formats of `GET /v1/sessions/{id}/export`, with their media types. */
export const TRANSCRIPT_EXPORTS = {
  vtt: TRANSCRIPT_TYPES.vtt,
  srt: TRANSCRIPT_TYPES.srt,
  txt: TRANSCRIPT_TYPES.txt,
} as const

export type TranscriptExportFormat = keyof typeof TRANSCRIPT_EXPORTS

/**
 * The session's transcript as WebVTT, SubRip or text: `@tapedeck/player`'s `toTranscript`, so a
 * download from the server and an export in the browser are the same file. Only the session's
 * `transcript.segment` events are held while it reads; a sealed segment is a cue that says `[sealed]`.
 */
export async function exportTranscript(sessionId: string, events: AsyncIterable<WireEvent>, format: TranscriptExportFormat): Promise<string> {
  const segments: WireEvent[] = []
  for await (const event of events) if (event.type === 'transcript.segment') segments.push(event)
  return toTranscript({ sessionId, events: segments }, format)
}

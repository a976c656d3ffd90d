import type { TapedeckEvent } from '@tapedeck/core'

/**
 * Where a replay should open, ms: the first message (the state there shows it) — or, when speech
 * leads to it (audio or a transcript line starting earlier), the start of that speech, so that
 * pressing Play plays the voice the message came from. Without a message: the first speech, then
 * the first LLM call, else 0. Opening at 0:00 shows an empty conversation whenever the session
 * started before anyone spoke.
 */
export function firstMomentOf(events: readonly TapedeckEvent[]): number {
  let message: number | undefined
  let speech: number | undefined
  let call: number | undefined
  for (const event of events) {
    if (event.type === 'message.created') {
      message = event.t
      break
    }
    if (event.type === 'audio.input' || event.type === 'audio.output' || event.type === 'transcript.segment') {
      const start = (event.data as { startT?: unknown }).startT
      const t = typeof start === 'number' ? start : event.t
      speech = speech === undefined ? t : Math.min(speech, t)
    } else if (call === undefined && event.type === 'provider.call.started') call = event.t
  }
  if (speech !== undefined && (message === undefined || speech < message)) return speech
  return message ?? call ?? 0
}

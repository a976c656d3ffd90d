import type { TapedeckEvent } from '@tapedeck/core'

/**
 * Where a replay should open, ms: the first message (the state there shows it), else the first
 * transcript line or LLM call, else 0. Opening at 0:00 shows an empty conversation whenever the
 * session started before anyone spoke.
 */
export function firstMomentOf(events: readonly TapedeckEvent[]): number {
  let fallback: number | undefined
  for (const event of events) {
    if (event.type === 'message.created') return event.t
    if (fallback === undefined && (event.type === 'transcript.segment' || event.type === 'provider.call.started')) fallback = event.t
  }
  return fallback ?? 0
}

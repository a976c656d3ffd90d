import type { TapedeckEvent } from '@tapedeck/core'

/** A recording's events for tests, built in seq order: `add(type, data, { t, checkpoint })`. */
export function eventList(sessionId = 's_test') {
  const events: TapedeckEvent[] = []
  let t = 0
  return {
    events,
    add(type: string, data: Record<string, unknown>, options: { t?: number; checkpoint?: boolean } = {}): TapedeckEvent {
      t = options.t ?? t + 10
      const seq = events.length
      const event = {
        v: 1,
        id: `e${String(seq).padStart(6, '0')}`,
        sessionId,
        seq,
        ts: 1_763_766_000_000 + t,
        t,
        tab: 't_1',
        type,
        data,
        ...(options.checkpoint && { checkpoint: true }),
      } as unknown as TapedeckEvent
      events.push(event)
      return event
    },
  }
}

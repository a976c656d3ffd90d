/** Records real SDK calls (through core's fetch instrumentation) into plain events, in Node. */
import type { JsonObject, TapedeckEvent } from '@tapedeck/core'
import { createInstrumentedFetch, type InstrumentedFetch } from '@tapedeck/core/instrument'

export interface EventSink {
  events: TapedeckEvent[]
  fetch: InstrumentedFetch
}

export function recordingSink(sessionId: string): EventSink {
  const start = performance.now()
  const events: TapedeckEvent[] = []
  const push = (type: string, data: JsonObject) => {
    const t = Math.round((performance.now() - start) * 10) / 10
    events.push({ v: 1, id: `${sessionId}-${events.length}`, sessionId, seq: events.length, ts: 1_763_766_000_000 + Math.round(t), t, tab: 'node', type: type as TapedeckEvent['type'], data })
  }
  push('session.started', { feature: 'replay-test' })
  const recorder = { record: (type: string, data: unknown) => push(type, data as JsonObject) }
  return { events, fetch: createInstrumentedFetch(recorder as never, { fetch: globalThis.fetch }) }
}

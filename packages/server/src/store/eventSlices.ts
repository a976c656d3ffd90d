import type { EventBatch, WireEvent } from './SessionStore.js'

const SLICE_EVENTS = 1000

/** A batch's events as slices, whether they came as one array or as slices being decoded. */
export async function* eventSlices(events: EventBatch['events']): AsyncGenerator<readonly WireEvent[]> {
  if (isAsyncIterable(events)) {
    yield* events
    return
  }
  for (let offset = 0; offset < events.length; offset += SLICE_EVENTS) yield events.slice(offset, offset + SLICE_EVENTS)
}

function isAsyncIterable(events: EventBatch['events']): events is AsyncIterable<readonly WireEvent[]> {
  return Symbol.asyncIterator in events
}

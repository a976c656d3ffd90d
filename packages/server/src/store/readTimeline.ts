import type { SessionStore, WireEvent } from './SessionStore.js'

interface Head {
  /** 0 for the session itself, then its streams in id order: who goes first when times are equal. */
  rank: number
  event: WireEvent
  rest: AsyncIterator<WireEvent>
}

const time = (event: WireEvent) => (typeof event.ts === 'number' && Number.isFinite(event.ts) ? event.ts : Number.POSITIVE_INFINITY)

/**
 * A session and its linked streams on one timeline (docs/protocol.md, "Linked streams"): every
 * event of each, ordered by wall-clock `ts`; on equal times the session's own events come first,
 * then the streams' in id order. Each stream keeps its own order (seq), whatever its clock says.
 * Reads one event ahead per stream, so memory does not grow with the session.
 */
export async function* readTimeline(store: SessionStore, sessionId: string, streams: readonly string[]): AsyncGenerator<WireEvent> {
  const heads: Head[] = []
  const iterators = [sessionId, ...streams].map((id) => store.readEvents(id)[Symbol.asyncIterator]())
  try {
    for (const [rank, rest] of iterators.entries()) {
      const first = await rest.next()
      if (!first.done) heads.push({ rank, event: first.value, rest })
    }
    while (heads.length > 0) {
      let next = 0
      for (let i = 1; i < heads.length; i++) {
        const a = heads[i]!
        const b = heads[next]!
        if (time(a.event) < time(b.event) || (time(a.event) === time(b.event) && a.rank < b.rank)) next = i
      }
      const head = heads[next]!
      yield head.event
      const following = await head.rest.next()
      if (following.done) heads.splice(next, 1)
      else head.event = following.value
    }
  } finally {
    await Promise.all(iterators.map((iterator) => iterator.return?.()))
  }
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SessionStore, WireEvent } from '../store/SessionStore.js'
import { readTimeline } from '../store/readTimeline.js'
import { event, recordSession } from './events.js'
import type { OpenedStore } from './OpenedStore.js'

function batchOf(events: readonly WireEvent[]) {
  return { sessionId: events[0]!.sessionId, key: `k_${events[0]!.seq}`, firstSeq: events[0]!.seq, lastSeq: events.at(-1)!.seq, events }
}

async function all(events: AsyncIterable<WireEvent>): Promise<WireEvent[]> {
  const out: WireEvent[] = []
  for await (const e of events) out.push(e)
  return out
}

/** A server stream of `calls` provider calls, its events `ts` at the given times. */
function serverStream(id: string, parent: string, times: number[]): WireEvent[] {
  return times.map((ts, seq) => ({
    ...event(id, seq, seq === 0 ? 'session.started' : 'provider.call.completed', seq === 0 ? { parent, stream: 'server' } : { callId: `c_${id}_${seq}` }),
    ts,
  }))
}

/** Linked streams (docs/protocol.md, "Linked streams"): what every store that accepts them must do. */
export function describeLinkedStreamContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`linked streams: ${name}`, () => {
    let opened: OpenedStore
    let store: SessionStore
    beforeEach(async () => {
      opened = await open()
      store = opened.store
    })
    afterEach(async () => {
      await opened.dispose()
    })

    it('links a stream to one parent, idempotently, and lists the links in id order', async () => {
      expect(await store.linkedStreams('s_browser')).toEqual([])
      expect(await store.linkStream('srv_b', 's_browser')).toBe('linked')
      expect(await store.linkStream('srv_a', 's_browser')).toBe('linked')
      expect(await store.linkStream('srv_a', 's_browser')).toBe('linked')
      expect(await store.linkStream('srv_a', 's_other')).toBe('conflict')
      expect(await store.linkedStreams('s_browser')).toEqual(['srv_a', 'srv_b'])
      expect(await store.linkedStreams('s_other')).toEqual([])
    })

    it('lists sessions without their linked streams on request (streams=linked), with them otherwise', async () => {
      const browser = recordSession('s_browser', 3).events
      await store.putBatch(batchOf(browser))
      await store.linkStream('srv_a', 's_browser')
      await store.putBatch(batchOf(serverStream('srv_a', 's_browser', [browser[0]!.ts! + 1, browser[0]!.ts! + 2])))
      const ids = async (withoutStreams?: true) => (await store.listSessions({ limit: 10, ...(withoutStreams && { withoutStreams }) })).sessions.map((s) => s.id).sort()
      expect(await ids()).toEqual(['s_browser', 'srv_a'])
      expect(await ids(true)).toEqual(['s_browser'])
      expect((await store.listSessions({ limit: 10, withoutStreams: true })).total).toBe(1)
    })

    it('reads a session and its streams on one timeline: by ts, the session first on a tie, each stream in seq order', async () => {
      const browser = recordSession('s_browser', 6).events // ts START + 0, 100, …, 500
      const start = browser[0]!.ts!
      const a = serverStream('srv_a', 's_browser', [start + 50, start + 250, start + 400])
      const b = serverStream('srv_b', 's_browser', [start + 100, start + 450])
      await store.putBatch(batchOf(browser))
      for (const stream of [a, b]) {
        await store.linkStream(stream[0]!.sessionId, 's_browser')
        await store.putBatch(batchOf(stream))
      }
      const timeline = await all(readTimeline(store, 's_browser', await store.linkedStreams('s_browser')))
      expect(timeline.map((e) => `${e.sessionId}:${e.seq}`)).toEqual([
        's_browser:0', 'srv_a:0', 's_browser:1', 'srv_b:0', 's_browser:2', 'srv_a:1', 's_browser:3', 's_browser:4', 'srv_a:2', 'srv_b:1', 's_browser:5',
      ])
      // The stream is a session of its own too, with its parent in its metadata.
      expect((await store.getSession('srv_a'))?.metadata).toEqual({ parent: 's_browser', stream: 'server' })
      expect(await all(store.readEvents('s_browser'))).toEqual(browser)
    })

    it('the link goes with its stream, and outlives an erased parent until the stream is erased', async () => {
      await store.putBatch(batchOf(recordSession('s_browser', 3).events))
      await store.linkStream('srv_a', 's_browser')
      await store.putBatch(batchOf(serverStream('srv_a', 's_browser', [1, 2])))
      expect(await store.deleteSession('s_browser')).toBe('erased')
      expect(await store.linkedStreams('s_browser')).toEqual(['srv_a'])
      expect(await store.deleteSession('srv_a')).toBe('erased')
      expect(await store.linkedStreams('s_browser')).toEqual([])
      expect(await store.getSession('srv_a')).toBeNull()
    })
  })
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventBatch, SessionStore, WireEvent } from '../store/SessionStore.js'
import { dedupeContract } from './dedupeContract.js'
import { event, recordSession, shuffle } from './events.js'
import type { OpenedStore } from './OpenedStore.js'
import { describeStudioContract } from './studioContract.js'

function batchOf(events: readonly WireEvent[], key?: string): EventBatch {
  const first = events[0]!
  const last = events.at(-1)!
  return { sessionId: first.sessionId, key: key ?? `k_${first.seq}_${last.seq}`, firstSeq: first.seq, lastSeq: last.seq, events }
}

async function readAll(store: SessionStore, sessionId: string, fromSeq?: number): Promise<WireEvent[]> {
  const events: WireEvent[] = []
  for await (const e of store.readEvents(sessionId, fromSeq === undefined ? undefined : { fromSeq })) events.push(e)
  return events
}

/** The behaviour every SessionStore must have, the Studio API's included. `open` gives a fresh, empty store for each test. */
export function describeStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describeStudioContract(name, open)
  describe(`SessionStore contract: ${name}`, () => {
    let opened: OpenedStore
    let store: SessionStore
    beforeEach(async () => {
      opened = await open()
      store = opened.store
    })
    afterEach(async () => {
      await opened.dispose()
    })

    dedupeContract(() => store)

    it('stores a batch and reads it back as it was sent', async () => {
      const { events } = recordSession('s_a', 5)
      expect(await store.putBatch(batchOf(events))).toEqual({ status: 'stored', stored: 5, skipped: [] })
      expect(await readAll(store, 's_a')).toEqual(events)
      const detail = await store.getSession('s_a')
      expect(detail?.metadata).toEqual({ userId: 'u_1', feature: 'chat', label: 'test' })
      expect(detail?.status).toBe('ended')
      expect(detail?.completeness).toEqual({ complete: true, lastSeq: 4, gaps: [] })
      expect(detail?.stats.events).toBe(5)
      expect(detail?.stats.durationMs).toBe(400)
    })

    it('answers a repeated key with duplicate and stores nothing twice', async () => {
      const { events } = recordSession('s_a', 5)
      await store.putBatch(batchOf(events, 'same'))
      expect(await store.putBatch(batchOf(events, 'same'))).toEqual({ status: 'duplicate', stored: 0, skipped: [] })
      expect(await readAll(store, 's_a')).toHaveLength(5)
      expect((await store.getSession('s_a'))?.stats.events).toBe(5)
    })

    it('scopes keys to their session', async () => {
      await store.putBatch(batchOf(recordSession('s_a', 3).events, 'shared'))
      expect((await store.putBatch(batchOf(recordSession('s_b', 3).events, 'shared'))).status).toBe('stored')
      expect(await readAll(store, 's_b')).toHaveLength(3)
    })

    it('orders batches that arrive out of order and reports the gaps until they are filled', async () => {
      const { events, batches } = recordSession('s_a', 50)
      for (const batch of [batches[3]!, batches[1]!, batches[4]!]) await store.putBatch(batchOf(batch))
      const partial = await store.getSession('s_a')
      expect(partial?.completeness).toEqual({ complete: false, lastSeq: 49, gaps: [{ from: 0, to: 9 }, { from: 20, to: 29 }] })
      expect(partial?.status).toBe('ended')
      expect(partial?.metadata).toEqual({})
      for (const batch of [batches[2]!, batches[0]!]) await store.putBatch(batchOf(batch))
      expect((await store.getSession('s_a'))?.completeness).toEqual({ complete: true, lastSeq: 49, gaps: [] })
      expect(await readAll(store, 's_a')).toEqual(events)
    })

    it('orders events of batches whose seq ranges interleave', async () => {
      const events = Array.from({ length: 8 }, (_, seq) => event('s_a', seq))
      const sparse = { sessionId: 's_a', key: 'sparse', firstSeq: 0, lastSeq: 7, events: [events[0]!, events[5]!, events[7]!] }
      await store.putBatch(sparse)
      await store.putBatch(batchOf([events[1]!, events[2]!, events[3]!, events[4]!, events[6]!]))
      expect(await readAll(store, 's_a')).toEqual(events)
      expect(await readAll(store, 's_a', 4)).toEqual(events.slice(4))
    })

    it('keeps the first write of a seq and reports the overlap of a later key', async () => {
      const { events } = recordSession('s_a', 10, { ended: false })
      await store.putBatch(batchOf(events.slice(0, 6), 'first'))
      const rewritten = events.slice(4, 10).map((e) => ({ ...e, data: { content: 'second' } }))
      expect(await store.putBatch(batchOf(rewritten, 'second'))).toEqual({ status: 'stored', stored: 4, skipped: [{ from: 4, to: 5 }] })
      const read = await readAll(store, 's_a')
      expect(read.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      expect(read[5]).toEqual(events[5])
      expect(read[6]?.data).toEqual({ content: 'second' })
      expect((await store.getSession('s_a'))?.stats.events).toBe(10)
    })

    it('remembers a key whose events were all stored before', async () => {
      const { events } = recordSession('s_a', 4)
      await store.putBatch(batchOf(events, 'one'))
      expect(await store.putBatch(batchOf(events, 'two'))).toEqual({ status: 'stored', stored: 0, skipped: [{ from: 0, to: 3 }] })
      expect(await store.putBatch(batchOf(events, 'two'))).toEqual({ status: 'duplicate', stored: 0, skipped: [] })
      expect(await readAll(store, 's_a')).toEqual(events)
    })

    it('stores 50 concurrent batches of one session, and one of 10 concurrent repeats', async () => {
      const { events, batches } = recordSession('s_burst', 500, { batchSize: 10 })
      const results = await Promise.all(shuffle(batches, 7).map((batch) => store.putBatch(batchOf(batch))))
      expect(results.every((r) => r.status === 'stored' && r.stored === 10)).toBe(true)
      const repeats = await Promise.all(Array.from({ length: 10 }, () => store.putBatch(batchOf(batches[0]!, 'again'))))
      expect(repeats.filter((r) => r.status === 'stored')).toHaveLength(1)
      expect(repeats.filter((r) => r.status === 'duplicate')).toHaveLength(9)
      expect(await readAll(store, 's_burst')).toEqual(events)
      const detail = await store.getSession('s_burst')
      expect(detail?.stats.events).toBe(500)
      expect(detail?.completeness.complete).toBe(true)
    })

    it('reads from a seq on', async () => {
      const { events, batches } = recordSession('s_a', 30)
      for (const batch of shuffle(batches, 3)) await store.putBatch(batchOf(batch))
      expect(await readAll(store, 's_a', 17)).toEqual(events.slice(17))
      expect(await readAll(store, 's_a', 30)).toEqual([])
    })

    it('adds up cost, tokens, calls and errors, and tells ended, interrupted and active apart', async () => {
      const s = 's_stats'
      const events = [
        event(s, 0, 'session.started', { userId: 'u_1' }),
        event(s, 1, 'provider.call.completed', { callId: 'c1', costUsd: 0.1, usage: { inputTokens: 10, outputTokens: 20 } }),
        event(s, 2, 'provider.call.completed', { callId: 'c2', costUsd: 0.2, usage: { inputTokens: 5, outputTokens: 7 } }),
        event(s, 3, 'provider.call.failed', { callId: 'c3', error: { name: 'Error', message: 'boom' } }),
        event(s, 4, 'error.raised', { message: 'oops' }),
        event(s, 5, 'tool.call.completed', { toolCallId: 't1', error: 'bad args' }),
        event(s, 6, 'tool.call.completed', { toolCallId: 't2', result: 1 }),
        event(s, 7, 'session.interrupted', { reason: 'tab closed' }),
      ]
      await store.putBatch(batchOf(events.slice(0, 7)))
      expect((await store.getSession(s))?.status).toBe('active')
      await store.putBatch(batchOf(events.slice(7)))
      const detail = await store.getSession(s)
      expect(detail?.status).toBe('interrupted')
      expect(detail?.completeness.complete).toBe(false)
      expect(detail?.stats).toEqual({ events: 8, durationMs: 700, costUsd: 0.3, inputTokens: 15, outputTokens: 27, calls: 3, errors: 3 })
    })

    it('lists sessions newest first, filtered, in pages that cover each session once', async () => {
      for (let i = 0; i < 7; i++) {
        const { events } = recordSession(`s_${i}`, 3, {
          userId: i % 2 ? 'u_odd' : 'u_even',
          feature: i < 3 ? 'voice' : 'chat',
          ended: i !== 6,
          startedAt: 1_000_000 + i * 1000,
        })
        await store.putBatch(batchOf(events))
      }
      const all = await store.listSessions({ limit: 50 })
      expect(all.sessions.map((s) => s.id)).toEqual(['s_6', 's_5', 's_4', 's_3', 's_2', 's_1', 's_0'])
      expect(all.next).toBeNull()
      const seen: string[] = []
      let page = await store.listSessions({ limit: 3 })
      for (let i = 0; i < 10; i++) {
        seen.push(...page.sessions.map((s) => s.id))
        if (!page.next) break
        page = await store.listSessions({ limit: 3, after: page.next })
      }
      expect(seen).toEqual(all.sessions.map((s) => s.id))
      const ids = async (filter: Parameters<SessionStore['listSessions']>[0]) => (await store.listSessions(filter)).sessions.map((s) => s.id)
      expect(await ids({ limit: 50, userId: 'u_odd' })).toEqual(['s_5', 's_3', 's_1'])
      expect(await ids({ limit: 50, feature: 'voice' })).toEqual(['s_2', 's_1', 's_0'])
      expect(await ids({ limit: 50, status: 'active' })).toEqual(['s_6'])
      expect(await ids({ limit: 50, from: 1_002_000, to: 1_004_000 })).toEqual(['s_3', 's_2'])
      expect(await ids({ limit: 50, userId: 'nobody' })).toEqual([])
    })

    it('orders sessions that start in the same millisecond by id', async () => {
      for (const id of ['s_b', 's_a', 's_c']) await store.putBatch(batchOf(recordSession(id, 2, { startedAt: 5000 }).events))
      const first = await store.listSessions({ limit: 2 })
      expect(first.sessions.map((s) => s.id)).toEqual(['s_c', 's_b'])
      const second = await store.listSessions({ limit: 2, after: first.next! })
      expect(second.sessions.map((s) => s.id)).toEqual(['s_a'])
      expect(second.next).toBeNull()
    })

    it('stores a blob part once, with its content type', async () => {
      const bytes = new Uint8Array([0, 1, 2, 255, 10, 13])
      const blob = { sessionId: 's_a', blobId: 'b_1', part: '0', contentType: 'audio/webm;codecs=opus', bytes }
      expect(await store.putBlob(blob)).toBe('stored')
      expect(await store.putBlob({ ...blob, bytes: new Uint8Array([9]) })).toBe('duplicate')
      expect(await store.putBlob({ ...blob, part: '1', contentType: 'audio/ogg' })).toBe('stored')
      const read = await store.getBlob('s_a', 'b_1', '0')
      expect(read?.contentType).toBe('audio/webm;codecs=opus')
      expect(Array.from(read?.bytes ?? [])).toEqual([0, 1, 2, 255, 10, 13])
      expect(await store.getBlob('s_a', 'b_1', '2')).toBeNull()
      expect(await store.listBlobs('s_a')).toEqual([
        { blobId: 'b_1', part: '0', contentType: 'audio/webm;codecs=opus', size: 6 },
        { blobId: 'b_1', part: '1', contentType: 'audio/ogg', size: 6 },
      ])
    })

    it('erases a session: events, blobs and keys', async () => {
      const { events } = recordSession('s_a', 3)
      await store.putBatch(batchOf(events, 'k'))
      await store.putBlob({ sessionId: 's_a', blobId: 'b', part: '0', contentType: 'audio/webm', bytes: new Uint8Array([1]) })
      await store.putBatch(batchOf(recordSession('s_keep', 3).events))
      expect(await store.deleteSession('s_a')).toBe('erased')
      expect(await store.getSession('s_a')).toBeNull()
      expect(await readAll(store, 's_a')).toEqual([])
      expect(await store.getBlob('s_a', 'b', '0')).toBeNull()
      expect(await store.listBlobs('s_a')).toEqual([])
      expect(await store.deleteSession('s_a')).toBe('not_found')
      expect((await store.listSessions({ limit: 10 })).sessions.map((s) => s.id)).toEqual(['s_keep'])
      expect((await store.putBatch(batchOf(events, 'k'))).status).toBe('stored')
    })

    it("erases every session of a user, with its blobs, and nobody else's", async () => {
      await store.putBatch(batchOf(recordSession('s_1', 3, { userId: 'ada@example.com' }).events))
      await store.putBatch(batchOf(recordSession('s_2', 3, { userId: 'ada@example.com' }).events))
      await store.putBatch(batchOf(recordSession('s_3', 3, { userId: 'bob' }).events))
      await store.putBlob({ sessionId: 's_2', blobId: 'b', part: '0', contentType: 'audio/webm', bytes: new Uint8Array([1, 2]) })
      await store.putBlob({ sessionId: 's_3', blobId: 'b', part: '0', contentType: 'audio/webm', bytes: new Uint8Array([3]) })
      const report = await store.deleteUser('ada@example.com')
      expect([report.erased.sort(), report.held]).toEqual([['s_1', 's_2'], []])
      expect((await store.listSessions({ limit: 10 })).sessions.map((s) => s.id)).toEqual(['s_3'])
      expect(await store.getBlob('s_2', 'b', '0')).toBeNull()
      expect(await store.listBlobs('s_2')).toEqual([])
      expect(await readAll(store, 's_2')).toEqual([])
      expect(Array.from((await store.getBlob('s_3', 'b', '0'))?.bytes ?? [])).toEqual([3])
      expect(await store.deleteUser('ada@example.com')).toEqual({ erased: [], held: [] })
    })

    it('keeps a held session from erasure, by session and by user, until the hold is released', async () => {
      const { events } = recordSession('s_held', 3, { userId: 'ada' })
      await store.putBatch(batchOf(events))
      await store.putBlob({ sessionId: 's_held', blobId: 'b', part: '0', contentType: 'audio/webm', bytes: new Uint8Array([7]) })
      await store.putBatch(batchOf(recordSession('s_free', 3, { userId: 'ada' }).events))
      expect(await store.setHold('s_none', { reason: 'x', since: 1 })).toBe(false)
      expect(await store.getHold('s_held')).toBeNull()
      expect((await store.getSession('s_held'))?.hold).toBeNull()

      const hold = { reason: 'case 2025-17', since: 1_763_000_000_000 }
      expect(await store.setHold('s_held', hold)).toBe(true)
      expect(await store.getHold('s_held')).toEqual(hold)
      expect((await store.getSession('s_held'))?.hold).toEqual(hold)
      const listed = (await store.listSessions({ limit: 10 })).sessions
      expect(listed.map((s) => [s.id, s.hold])).toEqual([['s_held', hold], ['s_free', null]])

      expect(await store.deleteSession('s_held')).toBe('held')
      expect(await store.deleteUser('ada')).toEqual({ erased: ['s_free'], held: ['s_held'] })
      expect(await readAll(store, 's_held')).toEqual(events)
      expect(Array.from((await store.getBlob('s_held', 'b', '0'))?.bytes ?? [])).toEqual([7])
      expect(await store.getSession('s_free')).toBeNull()

      const replaced = { reason: 'case 2025-17, widened', since: hold.since }
      expect(await store.setHold('s_held', replaced)).toBe(true)
      expect(await store.getHold('s_held')).toEqual(replaced)

      expect(await store.setHold('s_held', null)).toBe(true)
      expect(await store.getHold('s_held')).toBeNull()
      expect(await store.setHold('s_held', null)).toBe(true)
      expect(await store.deleteSession('s_held')).toBe('erased')
      expect(await store.getBlob('s_held', 'b', '0')).toBeNull()
      expect(await store.setHold('s_held', hold)).toBe(false)
    })

    it('never reports a hold placed on a session that a concurrent erase removed', async () => {
      const ids = Array.from({ length: 12 }, (_, i) => `s_race_${i}`)
      for (const id of ids) await store.putBatch(batchOf(recordSession(id, 2).events))
      const outcomes = await Promise.all(
        ids.map(async (id, i) => {
          const hold = () => store.setHold(id, { reason: 'race', since: i })
          const erase = () => store.deleteSession(id)
          // Half start with the hold, half with the erase, all at once.
          const [held, erased] = i % 2 ? await Promise.all([hold(), erase()]) : (await Promise.all([erase(), hold()])).reverse()
          return `${held}/${erased}`
        }),
      )
      for (const outcome of outcomes) expect(['true/held', 'false/erased']).toContain(outcome)
      for (const [i, id] of ids.entries()) {
        const kept = outcomes[i] === 'true/held'
        expect([id, (await store.getSession(id)) !== null, (await store.getHold(id)) !== null]).toEqual([id, kept, kept])
      }
    })

    it('holds a session that has only blobs so far', async () => {
      await store.putBlob({ sessionId: 's_audio', blobId: 'b', part: '0', contentType: 'audio/webm', bytes: new Uint8Array([1]) })
      expect(await store.setHold('s_audio', { reason: '', since: 5 })).toBe(true)
      expect(await store.deleteSession('s_audio')).toBe('held')
      expect(await store.getBlob('s_audio', 'b', '0')).not.toBeNull()
    })

    it('purges what was last written before the cut-off, blobs alone too, and keeps held sessions', async () => {
      const put = (id: string, at: number, key = `k_${at}`) =>
        store.putBatch({ ...batchOf(recordSession(id, 2).events), key }, at)
      const blob = (id: string, at: number, part = '0') =>
        store.putBlob({ sessionId: id, blobId: 'b', part, contentType: 'audio/webm', bytes: new Uint8Array([1]) }, at)
      await put('s_old', 1000, 'k_once')
      expect((await put('s_old', 9000, 'k_once')).status).toBe('duplicate') // a repeat is not a write
      expect(await blob('s_old', 9000, '0')).toBe('stored')
      expect(await blob('s_old', 9500, '0')).toBe('duplicate')
      await put('s_refreshed', 1000)
      await put('s_refreshed', 5000)
      await blob('s_audio_only', 1000)
      await put('s_blob_later', 1000)
      await blob('s_blob_later', 6000)
      await put('s_held', 1000)
      await store.setHold('s_held', { reason: 'litigation', since: 2000 })

      // s_old's blob at 9000 is a write: nothing of s_old goes yet.
      const first = await store.purgeInactive(3000)
      expect([first.erased.sort(), first.held]).toEqual([['s_audio_only'], ['s_held']])
      expect(await store.listBlobs('s_audio_only')).toEqual([])

      const second = await store.purgeInactive(9001)
      expect([second.erased.sort(), second.held]).toEqual([['s_blob_later', 's_old', 's_refreshed'], ['s_held']])
      expect(await store.getSession('s_old')).toBeNull()
      expect(await store.getBlob('s_old', 'b', '0')).toBeNull()
      expect(await readAll(store, 's_held')).toHaveLength(2)

      await store.setHold('s_held', null)
      expect(await store.purgeInactive(9001)).toEqual({ erased: ['s_held'], held: [] })
      expect((await store.listSessions({ limit: 10 })).sessions).toEqual([])
    })

    it('keeps a session whose last write is exactly at the cut-off', async () => {
      await store.putBatch(batchOf(recordSession('s_edge', 2).events), 3000)
      expect(await store.purgeInactive(3000)).toEqual({ erased: [], held: [] })
      expect(await store.purgeInactive(3001)).toEqual({ erased: ['s_edge'], held: [] })
    })

    it('knows nothing of a session it never stored', async () => {
      expect(await store.getSession('s_none')).toBeNull()
      expect(await readAll(store, 's_none')).toEqual([])
      expect(await store.listBlobs('s_none')).toEqual([])
      expect(await store.getHold('s_none')).toBeNull()
      expect(await store.deleteSession('s_none')).toBe('not_found')
    })

    it('keeps any string a browser can record exactly', async () => {
      const content = 'nul \u0000, lone \ud800, pair 😀, separators \u2028\u2029, quote " backslash \\ newline \n'
      const events = [event('s_a', 0, 'session.started', { userId: 'nul\u0000user' }), event('s_a', 1, 'message.created', { content })]
      await store.putBatch(batchOf(events))
      expect(await readAll(store, 's_a')).toEqual(events)
      expect((await store.getSession('s_a'))?.metadata).toEqual({ userId: 'nul\u0000user' })
    })
  })
}

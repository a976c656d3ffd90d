/**
 * What every `RecordStore` (packages/core/src/storage/RecordStore.ts) must do, written once and run
 * against each store — `idbStore` and `memoryStore` — in the browser (storage/RecordStore.browser.test.ts),
 * as the server runs one contract against each of its stores.
 */
import { afterEach, describe, expect, test } from 'vitest'
import type { RecordStore } from '../src/storage/RecordStore'
import { emptyCounters, type SessionRecord, type StoredChunk } from '../src/storage/schema'

const session: SessionRecord = { id: 's_1', status: 'active', startedAt: 0, updatedAt: 0, metadata: {}, lastSeq: -1, lastT: 0, counters: emptyCounters() }

function chunk(firstSeq: number, size: number, createdAt: number, sessionId = 's_1'): StoredChunk {
  return { sessionId, firstSeq, lastSeq: firstSeq, count: 1, size, bytes: new ArrayBuffer(size), rawBytes: size, createdAt, state: 'pending', attempts: 0 }
}

export function describeRecordStoreContract(name: string, make: () => Promise<RecordStore>): void {
  let open: RecordStore[] = []
  const newStore = async () => {
    const store = await make()
    open.push(store)
    return store
  }
  afterEach(() => {
    for (const store of open) store.close()
    open = []
  })

  /** A store holding three chunks (100 B each) and one audio part (500 B); `sent` of them acknowledged. */
  async function filled(sent: { chunks: number[]; blob: boolean }) {
    const store = await newStore()
    for (const [i, createdAt] of [30, 10, 20].entries()) {
      await store.appendMany([{ sessionId: 's_1', apply: () => ({ session: { ...session, lastSeq: i }, chunk: chunk(i, 100, createdAt), created: i === 0, resumed: false }) }])
    }
    await store.putBlob({ sessionId: 's_1', blobId: 'b_1', part: 0, mimeType: 'audio/webm', size: 500, bytes: new ArrayBuffer(500), createdAt: 0, state: 'pending', attempts: 0 })
    await store.settle('s_1', sent.chunks, { state: 'sent' })
    if (sent.blob) await store.settleBlob('s_1', 'b_1', 0, { state: 'sent' })
    return store
  }

  describe(`RecordStore contract: ${name}`, () => {
    test('appendMany stores a group in order, each apply seeing the session the one before left', async () => {
      const store = await newStore()
      const seen: Array<number | undefined> = []
      await store.appendMany(
        [0, 1, 2].map((i) => ({
          sessionId: 's_1',
          apply: (current: SessionRecord | undefined) => {
            seen.push(current?.lastSeq)
            return { session: { ...session, lastSeq: i }, chunk: chunk(i, 10, i), created: i === 0, resumed: false }
          },
        })),
      )
      expect(seen).toEqual([undefined, 0, 1])
      expect((await store.getSession('s_1'))!.lastSeq).toBe(2)
      expect((await store.getChunks('s_1')).map((c) => c.firstSeq)).toEqual([0, 1, 2])
      expect((await store.getChunks('s_1', 2)).map((c) => c.firstSeq)).toEqual([2])
      expect((await store.listSessions()).map((s) => s.id)).toEqual(['s_1'])
    })

    test('appendMany is all or nothing: an apply that throws stores none of the group', async () => {
      const store = await newStore()
      const group = [
        { sessionId: 's_1', apply: () => ({ session: { ...session, lastSeq: 0 }, chunk: chunk(0, 10, 0), created: true, resumed: false }) },
        {
          sessionId: 's_2',
          apply: (): never => {
            throw new Error('refused')
          },
        },
      ]
      await expect(store.appendMany(group)).rejects.toThrow('refused')
      expect(await store.getSession('s_1')).toBeUndefined()
      expect(await store.getChunks('s_1')).toEqual([])
    })

    test('findBatch finds the chunk that stored a batch id; deleteSession takes its chunks and parts', async () => {
      const store = await filled({ chunks: [], blob: false })
      await store.appendMany([{ sessionId: 's_1', apply: (current) => ({ session: { ...current!, lastSeq: 3 }, chunk: { ...chunk(3, 10, 40), batchId: 't_1.7' }, created: false, resumed: false }) }])
      expect(await store.findBatch('s_1', 't_1.7')).toMatchObject({ firstSeq: 3 })
      expect(await store.findBatch('s_1', 't_1.8')).toBeUndefined()
      await store.deleteSession('s_1')
      expect(await store.getSession('s_1')).toBeUndefined()
      expect(await store.getChunks('s_1')).toEqual([])
      expect(await store.listBlobs('s_1')).toEqual([])
      expect(await store.usage()).toBe(0)
    })

    test('the outbox: runs of pending chunks; sent advances syncedSeq; dead letters are retried or discarded', async () => {
      const store = await filled({ chunks: [], blob: false })
      // The oldest pending chunk (seq 1, stored first) and the chunks after it in its session.
      expect((await store.nextOutbox(1_000_000, 2)).map((c) => c.firstSeq)).toEqual([1, 2])
      expect((await store.nextOutbox(1_000_000, 1)).map((c) => c.firstSeq)).toEqual([1])
      await store.settle('s_1', [0, 1], { state: 'sent' })
      expect((await store.getSession('s_1'))!.syncedSeq).toBe(1)
      await store.settle('s_1', [2], { state: 'dead', error: '422 refused' })
      expect(await store.nextOutbox(1_000_000, 10)).toEqual([])
      expect((await store.deadLetters()).map((c) => [c.firstSeq, c.lastError])).toEqual([[2, '422 refused']])
      expect(await store.outboxSummary()).toMatchObject({ pendingChunks: 0, deadChunks: 1, deadEvents: 1, pendingBlobs: 1, pendingBlobBytes: 500 })
      expect(await store.retryDead('s_1')).toBe(1)
      expect((await store.nextOutbox(1_000_000, 10)).map((c) => c.firstSeq)).toEqual([2])
      await store.settle('s_1', [2], { state: 'dead', error: 'again' })
      expect(await store.discardDead()).toBe(1)
      expect(await store.deadLetters()).toEqual([])
    })

    test('the outbox run stops at maxBytes (unless its first chunk alone is larger) and at a gap in seqs', async () => {
      const store = await newStore()
      for (const [i, firstSeq] of [0, 1, 2, 4].entries()) {
        await store.appendMany([{ sessionId: 's_1', apply: (current) => ({ session: { ...(current ?? session), lastSeq: firstSeq }, chunk: chunk(firstSeq, 100, i), created: i === 0, resumed: false }) }])
      }
      expect((await store.nextOutbox(250, 10)).map((c) => c.firstSeq)).toEqual([0, 1])
      expect((await store.nextOutbox(50, 10)).map((c) => c.firstSeq)).toEqual([0])
      expect((await store.nextOutbox(10_000, 10)).map((c) => c.firstSeq)).toEqual([0, 1, 2])
      await store.settle('s_1', [0, 1, 2], { state: 'sent' })
      expect((await store.nextOutbox(10_000, 10)).map((c) => c.firstSeq)).toEqual([4])
    })

    test('sent advances syncedSeq over every chunk acknowledged in a row, whatever order they were settled in', async () => {
      const store = await newStore()
      for (let i = 0; i < 12; i++) {
        await store.appendMany([{ sessionId: 's_1', apply: (current) => ({ session: { ...(current ?? session), lastSeq: i }, chunk: chunk(i, 10, i), created: i === 0, resumed: false }) }])
      }
      await store.settle('s_1', [5, 6, 7, 8, 9], { state: 'sent' })
      expect((await store.getSession('s_1'))!.syncedSeq).toBe(-1)
      await store.settle('s_1', [0], { state: 'sent' })
      expect((await store.getSession('s_1'))!.syncedSeq).toBe(0)
      // 1–4 close the gap: syncedSeq runs on through 5–9, sent before, and stops at 10, pending.
      await store.settle('s_1', [1, 2, 3, 4], { state: 'sent' })
      expect((await store.getSession('s_1'))!.syncedSeq).toBe(9)
      expect((await store.getChunks('s_1')).map((c) => [c.state, c.attempts])).toEqual([...Array(10).fill(['sent', 1]), ['pending', 0], ['pending', 0]])
      await store.settle('s_1', [10, 11], { state: 'pending', error: 'offline' })
      expect((await store.getSession('s_1'))!.syncedSeq).toBe(9)
      expect((await store.getChunk('s_1', 11))).toMatchObject({ state: 'pending', attempts: 1, lastError: 'offline' })
    })

    test('sent: a chunk that starts inside a range a seq.skipped marker explained still counts, once its seqs are passed', async () => {
      const store = await newStore()
      // Seqs 1–3 explained (handed out, maybe never stored); a chunk holding 2–5 came all the same.
      const parts = [chunk(0, 10, 0), { ...chunk(2, 10, 1), lastSeq: 5, count: 4 }, chunk(6, 10, 2)]
      for (const [i, part] of parts.entries()) {
        await store.appendMany([{ sessionId: 's_1', apply: (current) => ({ session: { ...(current ?? { ...session, explained: [{ from: 1, to: 3 }] }), lastSeq: part.lastSeq }, chunk: part, created: i === 0, resumed: false }) }])
      }
      await store.settle('s_1', [0], { state: 'sent' })
      // Past the explained range, into the chunk that holds 2–5, which is not sent yet.
      expect((await store.getSession('s_1'))!.syncedSeq).toBe(3)
      await store.settle('s_1', [2], { state: 'sent' })
      expect((await store.getSession('s_1'))!.syncedSeq).toBe(5)
      expect((await store.getSession('s_1'))!.explained).toBeUndefined()
      await store.settle('s_1', [6], { state: 'sent' })
      expect((await store.getSession('s_1'))!.syncedSeq).toBe(6)
    })

    test('several sessions: each one\'s chunks in seq order; dead letters and sent parts oldest first', async () => {
      const store = await newStore()
      const append = (sessionId: string, firstSeq: number, createdAt: number) =>
        store.appendMany([{ sessionId, apply: (current) => ({ session: { ...(current ?? { ...session, id: sessionId }), lastSeq: firstSeq }, chunk: chunk(firstSeq, 10, createdAt, sessionId), created: !current, resumed: false }) }])
      // Stored interleaved, each later chunk created earlier.
      await append('s_2', 0, 50)
      await append('s_1', 0, 40)
      await append('s_2', 1, 30)
      await append('s_1', 1, 20)
      expect((await store.getChunks('s_1')).map((c) => c.firstSeq)).toEqual([0, 1])
      expect((await store.getChunks('s_2')).map((c) => c.firstSeq)).toEqual([0, 1])
      await store.settle('s_2', [0], { state: 'dead', error: 'created at 50' })
      await store.settle('s_1', [1], { state: 'dead', error: 'created at 20' })
      expect((await store.deadLetters()).map((c) => [c.sessionId, c.firstSeq])).toEqual([['s_1', 1], ['s_2', 0]])
      for (const [blobId, createdAt] of [['b_newer', 20], ['b_older', 10]] as const) {
        await store.putBlob({ sessionId: 's_1', blobId, part: 0, mimeType: 'audio/webm', size: 100, bytes: new ArrayBuffer(100), createdAt, state: 'pending', attempts: 0 })
        await store.settleBlob('s_1', blobId, 0, { state: 'sent' })
      }
      expect(await store.evictSent(50)).toBe(100)
      expect((await store.listBlobs('s_1')).map((b) => b.blobId)).toEqual(['b_newer'])
    })

    test('claimMeta keeps the first value stored', async () => {
      const store = await newStore()
      expect(await store.claimMeta('k', 'first')).toBe('first')
      expect(await store.claimMeta('k', 'second')).toBe('first')
      expect(await store.getMeta('k')).toBe('first')
    })

    test('evictSent frees sent parts first, then sent chunks oldest first, and stops once enough is freed', async () => {
      const store = await filled({ chunks: [0, 1, 2], blob: true })
      expect(await store.evictSent(550)).toBe(600) // the part (500), then the oldest chunk (seq 1, created at 10)
      expect((await store.getChunks('s_1')).map((c) => c.firstSeq)).toEqual([0, 2])
      expect(await store.listBlobs('s_1')).toEqual([])
    })

    test('evictSent never touches unsent data', async () => {
      const store = await filled({ chunks: [2], blob: false })
      expect(await store.evictSent(10_000)).toBe(100)
      expect((await store.getChunks('s_1')).map((c) => c.firstSeq)).toEqual([0, 1])
      expect(await store.usage()).toBe(700)
    })

    test('purgeSent deletes what was acknowledged before the cut-off, and nothing acknowledged after it', async () => {
      const store = await filled({ chunks: [0, 1], blob: true })
      expect(await store.purgeSent(Date.now() - 60_000)).toBe(0)
      expect(await store.purgeSent(Date.now() + 1)).toBe(700)
      expect((await store.getChunks('s_1')).map((c) => c.firstSeq)).toEqual([2])
      expect(await store.usage()).toBe(100)
    })

    /** A store holding raw chunks of 400 B: seqs `firstSeqs` of `sessionId`, in order. */
    async function rawStore(store: RecordStore, sessionId: string, firstSeqs: number[], createdAt = (seq: number) => seq) {
      for (const seq of firstSeqs) {
        const raw: StoredChunk = { ...chunk(seq, 400, createdAt(seq), sessionId), raw: true }
        await store.appendMany([{ sessionId, apply: (current) => ({ session: { ...(current ?? { ...session, id: sessionId }), lastSeq: seq, counters: { ...emptyCounters(), storedBytes: (current?.counters.storedBytes ?? 0) + 400 } }, chunk: raw, created: !current, resumed: false }) }])
      }
      return store
    }

    test('rawChunks lists pending raw chunks oldest first; compactChunk swaps their bytes and frees the difference once', async () => {
      const store = await rawStore(await newStore(), 's_1', [0, 1, 2], (seq) => [20, 10, 30][seq]!)
      await store.settle('s_1', [2], { state: 'sent' })
      expect(await store.rawChunks()).toEqual([['s_1', 1], ['s_1', 0]])

      expect(await store.compactChunk('s_1', 1, new ArrayBuffer(90))).toBe(310)
      expect(await store.compactChunk('s_1', 1, new ArrayBuffer(50))).toBe(0) // no longer raw
      expect(await store.compactChunk('s_1', 9, new ArrayBuffer(50))).toBe(0) // gone
      const compacted = await store.getChunk('s_1', 1)
      expect(compacted).toMatchObject({ size: 90 })
      expect(compacted!.raw).toBeUndefined()
      expect(compacted!.bytes.byteLength).toBe(90)
      expect((await store.getSession('s_1'))!.counters.storedBytes).toBe(890)
      expect(await store.usage()).toBe(890)
      expect(await store.rawChunks()).toEqual([['s_1', 0]])
    })

    test('compactChunk over chunks of two sessions: each storedBytes counts what is stored', async () => {
      const store = await rawStore(await rawStore(await newStore(), 's_1', [0, 1, 2]), 's_2', [0, 1])
      const items: Array<[string, number, number]> = [['s_1', 0, 100], ['s_2', 1, 40], ['s_1', 2, 150], ['s_1', 2, 10]] // the last: no longer raw
      const freed = await Promise.all(items.map(([id, seq, size]) => store.compactChunk(id, seq, new ArrayBuffer(size))))
      expect(freed).toEqual([300, 360, 250, 0])
      const stored = async (id: string) => (await store.getChunks(id)).reduce((sum, one) => sum + one.bytes.byteLength, 0)
      expect((await store.getSession('s_1'))!.counters.storedBytes).toBe(100 + 400 + 150)
      expect(await stored('s_1')).toBe(650)
      expect((await store.getSession('s_2'))!.counters.storedBytes).toBe(400 + 40)
      expect(await stored('s_2')).toBe(440)
      expect(await store.usage()).toBe(650 + 440)
      expect((await store.getChunk('s_1', 2))!.size).toBe(150)
      expect(await store.rawChunks()).toEqual([['s_2', 0], ['s_1', 1]]) // oldest first
    })

    test('compactChunk leaves alone a chunk another tab compressed meanwhile', async () => {
      const store = await rawStore(await newStore(), 's_1', [0, 1, 2])
      expect(await store.compactChunk('s_1', 1, new ArrayBuffer(80))).toBe(320) // the other tab
      const freed = await Promise.all([store.compactChunk('s_1', 0, new ArrayBuffer(100)), store.compactChunk('s_1', 1, new ArrayBuffer(60)), store.compactChunk('s_1', 2, new ArrayBuffer(100))])
      expect(freed).toEqual([300, 0, 300])
      expect((await store.getChunk('s_1', 1))!.bytes.byteLength).toBe(80)
      expect((await store.getChunk('s_1', 1))!.size).toBe(80)
      expect((await store.getSession('s_1'))!.counters.storedBytes).toBe(280)
      expect(await store.usage()).toBe(280)
      expect(await store.rawChunks()).toEqual([])
    })

    test('compactChunk brings back nothing of a session deleted meanwhile', async () => {
      const store = await rawStore(await rawStore(await newStore(), 's_1', [0, 1]), 's_2', [0])
      await store.deleteSession('s_1')
      const freed = await Promise.all([store.compactChunk('s_1', 0, new ArrayBuffer(100)), store.compactChunk('s_1', 1, new ArrayBuffer(100)), store.compactChunk('s_2', 0, new ArrayBuffer(100))])
      expect(freed).toEqual([0, 0, 300])
      expect(await store.getSession('s_1')).toBeUndefined()
      expect(await store.getChunks('s_1')).toEqual([])
      expect((await store.listSessions()).map((one) => one.id)).toEqual(['s_2'])
      expect((await store.getSession('s_2'))!.counters.storedBytes).toBe(100)
      expect(await store.usage()).toBe(100)
    })
  })
}

import { describe, expect, test } from 'vitest'
import { createMemoryStore } from './memoryStore'
import { emptyCounters, type SessionRecord, type StoredChunk } from './schema'

const session: SessionRecord = { id: 's_1', status: 'active', startedAt: 0, updatedAt: 0, metadata: {}, lastSeq: -1, lastT: 0, counters: emptyCounters() }

function chunk(firstSeq: number, size: number, createdAt: number): StoredChunk {
  return { sessionId: 's_1', firstSeq, lastSeq: firstSeq, count: 1, size, bytes: new ArrayBuffer(size), rawBytes: size, createdAt, state: 'pending', attempts: 0 }
}

/** A store holding three chunks (100 B each) and one audio part (500 B); `sent` of them acknowledged. */
async function filled(sent: { chunks: number[]; blob: boolean }) {
  const store = createMemoryStore()
  for (const [i, createdAt] of [30, 10, 20].entries()) {
    await store.append('s_1', () => ({ session: { ...session, lastSeq: i }, chunk: chunk(i, 100, createdAt), created: i === 0, resumed: false }))
  }
  await store.putBlob({ sessionId: 's_1', blobId: 'b_1', part: 0, mimeType: 'audio/webm', size: 500, bytes: new ArrayBuffer(500), createdAt: 0, state: 'pending', attempts: 0 })
  await store.settle('s_1', sent.chunks, { state: 'sent' })
  if (sent.blob) await store.settleBlob('s_1', 'b_1', 0, { state: 'sent' })
  return store
}

describe('memory store: deleting what the backend has', () => {
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
})

describe('memory store: compacting raw chunks', () => {
  test('rawChunks lists pending raw chunks oldest first; compactChunk swaps their bytes and frees the difference once', async () => {
    const store = createMemoryStore()
    const raw = (firstSeq: number, createdAt: number): StoredChunk => ({ ...chunk(firstSeq, 400, createdAt), raw: true })
    await store.append('s_1', () => ({ session: { ...session, lastSeq: 0, counters: { ...emptyCounters(), storedBytes: 1200 } }, chunk: raw(0, 20), created: true, resumed: false }))
    await store.append('s_1', (current) => ({ session: { ...current!, lastSeq: 1 }, chunk: raw(1, 10), created: false, resumed: false }))
    await store.append('s_1', (current) => ({ session: { ...current!, lastSeq: 2 }, chunk: raw(2, 30), created: false, resumed: false }))
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
})

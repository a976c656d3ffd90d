/**
 * The compactor's pipeline in real IndexedDB (commit timing is what it overlaps): one chunk
 * compresses at a time while the next ones are read and the ones before are written back, and a
 * stop in the middle leaves every chunk either raw or compressed, whole.
 */
import { gunzipSync } from 'fflate'
import { afterEach, expect, test, vi } from 'vitest'
import { uniqueDb } from '../../test/browser'
import { createChunkCodec, type ChunkCodec } from '../storage/ChunkCodec'
import { createIdbStore, openDatabase } from '../storage/idbStore'
import type { RecordStore } from '../storage/RecordStore'
import { emptyCounters, type SessionRecord } from '../storage/schema'
import { Compactor, type CompactorHost, type RawChunk } from './Compactor'

const encoder = new TextEncoder()
const open: RecordStore[] = []
afterEach(() => {
  for (const store of open.splice(0)) store.close()
})

/** The NDJSON of chunk `seq`: 50 events, ~5 KB. */
const ndjson = (seq: number) => encoder.encode(Array.from({ length: 50 }, (_, i) => `{"seq":${seq * 50 + i},"text":"${'lorem ipsum '.repeat(8)}"}\n`).join(''))

/** A store holding `count` raw chunks of session `s_1`, as a burst leaves them. */
async function rawStore(count: number): Promise<RecordStore> {
  const store = createIdbStore(await openDatabase(uniqueDb()))
  open.push(store)
  const session: SessionRecord = { id: 's_1', status: 'active', startedAt: 0, updatedAt: 0, metadata: {}, lastSeq: -1, lastT: 0, counters: emptyCounters() }
  await store.appendMany(
    Array.from({ length: count }, (_, seq) => ({
      sessionId: 's_1',
      apply: (current: SessionRecord | undefined) => {
        const bytes = ndjson(seq).buffer as ArrayBuffer
        const counters = { ...emptyCounters(), storedBytes: (current?.counters.storedBytes ?? 0) + bytes.byteLength }
        const chunk = { sessionId: 's_1', firstSeq: seq * 50, lastSeq: seq * 50 + 49, count: 50, size: bytes.byteLength, rawBytes: bytes.byteLength, bytes, createdAt: seq, state: 'pending' as const, attempts: 0, raw: true as const }
        return { session: { ...(current ?? session), lastSeq: seq * 50 + 49, counters }, chunk, created: !current, resumed: false }
      },
    })),
  )
  return store
}

type Step = 'read' | 'seal' | 'sealed' | 'write' | 'written'

/**
 * A host on `store` that logs each chunk's read, compression and write-back, in the order they
 * happen (`onWrite` is called as a write-back starts).
 */
function loggedHost(store: RecordStore, log: Array<[Step, number]>, done: () => void, onWrite = (): void => undefined): CompactorHost {
  const codec = createChunkCodec()
  // A raw chunk's NDJSON is its stored bytes: known by their buffer.
  const seqs = new Map<ArrayBufferLike, number>()
  const logged: RecordStore = Object.create(store) as RecordStore
  logged.getChunk = async (sessionId, firstSeq) => {
    log.push(['read', firstSeq])
    const chunk = await store.getChunk(sessionId, firstSeq)
    if (chunk) seqs.set(chunk.bytes, firstSeq)
    return chunk
  }
  logged.compactChunk = async (sessionId, firstSeq, bytes) => {
    log.push(['write', firstSeq])
    onWrite()
    const freed = await store.compactChunk(sessionId, firstSeq, bytes)
    log.push(['written', firstSeq])
    return freed
  }
  const logCodec: ChunkCodec = {
    ...codec,
    async seal(raw, compress) {
      const seq = seqs.get(raw.buffer) ?? -1
      log.push(['seal', seq])
      const bytes = await codec.seal(raw, compress)
      log.push(['sealed', seq])
      return bytes
    },
  }
  let queue = Promise.resolve()
  return {
    store: () => logged,
    codec: () => logCodec,
    serial: (op) => (queue = queue.then(op)),
    busy: () => false,
    freed: () => undefined,
    drained: async () => done(),
  }
}

test('one chunk compresses at a time, while the next are read and the one before is written back', async () => {
  const store = await rawStore(24)
  const log: Array<[Step, number]> = []
  let done!: () => void
  const drained = new Promise<void>((resolve) => (done = resolve))
  const compactor = new Compactor(loggedHost(store, log, done))
  // Nothing held: every chunk is read back from the store, as past MAX_HELD_BYTES.
  compactor.add(Array.from({ length: 24 }, (_, seq): RawChunk => ['s_1', seq * 50]))
  await drained
  expect(await store.rawChunks()).toEqual([])

  const at = (step: Step, seq: number) => log.findIndex(([one, of]) => one === step && of === seq)
  const seqs = Array.from({ length: 24 }, (_, i) => i * 50)
  for (const seq of seqs) expect([at('read', seq), at('seal', seq), at('sealed', seq), at('write', seq), at('written', seq)].every((i, n, all) => i >= 0 && (n === 0 || i > all[n - 1]!))).toBe(true)
  const pairs = seqs.slice(1).map((seq, i) => [seqs[i]!, seq] as const)
  // One compression at a time: the next starts once the one before is done.
  expect(pairs.filter(([before, next]) => at('seal', next) < at('sealed', before))).toEqual([])
  // The next chunk's read is under way before the one before compresses: no compression waits for a read.
  expect(pairs.filter(([before, next]) => at('read', next) > at('seal', before))).toEqual([])
  // It compresses while the chunk before commits: writes and compression overlap. (A turn's end
  // may let a write finish first, so not every pair.)
  const overlapped = pairs.filter(([before, next]) => at('seal', next) < at('written', before))
  expect(overlapped.length).toBeGreaterThanOrEqual(pairs.length / 2)
})

test('stopped mid-way, with reads ahead and writes committing: each chunk is raw or compressed, whole, and the next compactor finishes', async () => {
  const store = await rawStore(24)
  const log: Array<[Step, number]> = []
  let writes = 0
  // Stopped as its third write-back starts: two more chunks are read ahead, and writes commit.
  const stopAtThird = () => ++writes === 3 && first.stop()
  const first: Compactor = new Compactor(loggedHost(store, log, () => undefined, stopAtThird))
  first.add(Array.from({ length: 24 }, (_, seq): RawChunk => ['s_1', seq * 50]))
  await vi.waitFor(() => expect(writes).toBe(3))
  await new Promise((resolve) => setTimeout(resolve, 200))
  expect(log.filter(([step]) => step === 'write')).toHaveLength(3)
  expect(log.filter(([step]) => step === 'read').length).toBeGreaterThan(3)

  const check = async () => {
    const chunks = await store.getChunks('s_1')
    expect(chunks.map((chunk) => chunk.firstSeq)).toEqual(Array.from({ length: 24 }, (_, seq) => seq * 50))
    for (const [seq, chunk] of chunks.entries()) {
      const bytes = new Uint8Array(chunk.bytes)
      expect(chunk.size).toBe(bytes.byteLength)
      expect(chunk.raw ? bytes : gunzipSync(bytes)).toEqual(ndjson(seq))
    }
    expect((await store.getSession('s_1'))!.counters.storedBytes).toBe(chunks.reduce((sum, chunk) => sum + chunk.size, 0))
    return chunks.filter((chunk) => !chunk.raw).map((chunk) => chunk.firstSeq)
  }
  // Every write-back that started committed, each alone: the three first chunks.
  expect(await check()).toEqual([0, 50, 100])

  let done!: () => void
  const drained = new Promise<void>((resolve) => (done = resolve))
  const next = new Compactor(loggedHost(store, [], done))
  next.add(await store.rawChunks())
  await drained
  expect(await check()).toHaveLength(24)
})

/**
 * Under load the engine stores batches as they are (durable first) and compresses them once
 * batches stop coming. Read around the recorder in real IndexedDB, and uploaded to the server.
 */
import { openDB } from 'idb'
import { Gunzip, gunzipSync } from 'fflate'
import { afterEach, describe, expect, inject, test } from 'vitest'
import type { ChunkRecord, TapedeckDB } from '../storage/schema'
import { closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { serverEvents } from '../../test/sync'
import type { Recorder } from '../client/types'
import { BatchBuilder } from '../events/PackedBatch'
import { RecorderEngine } from './RecorderEngine'

afterEach(closeAll)

const server = inject('tapedeckServer')

async function chunks(dbName: string): Promise<Array<ChunkRecord & { bytes: Uint8Array }>> {
  const db = await openDB<TapedeckDB>(dbName)
  const tx = db.transaction(['chunks', 'chunkData'])
  const [records, data] = await Promise.all([tx.objectStore('chunks').getAll(), tx.objectStore('chunkData').getAll()])
  db.close()
  return records.map((record, i) => ({ ...record, bytes: new Uint8Array(data[i]!) }))
}

const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b

/** The NDJSON, or a gzip member that inflates (encrypted bytes start with a random IV: a gzip header alone may be chance). */
function inClear(bytes: Uint8Array): boolean {
  if (new TextDecoder().decode(bytes).includes('lorem ipsum')) return true
  if (!isGzip(bytes)) return false
  try {
    gunzipSync(bytes)
    return true
  } catch {
    return false
  }
}

/** Stores every compressed chunk of the database back as raw NDJSON, as the engine stores a burst; its session's byte count with it. */
async function leaveRaw(dbName: string): Promise<void> {
  const db = await openDB<TapedeckDB>(dbName)
  const tx = db.transaction(['chunks', 'chunkData', 'sessions'], 'readwrite')
  for (const chunk of await tx.objectStore('chunks').getAll()) {
    const key: [string, number] = [chunk.sessionId, chunk.firstSeq]
    const bytes = new Uint8Array((await tx.objectStore('chunkData').get(key))!)
    if (chunk.raw || !isGzip(bytes)) continue
    const ndjson = gunzipSync(bytes)
    await tx.objectStore('chunkData').put(ndjson.buffer as ArrayBuffer, key)
    await tx.objectStore('chunks').put({ ...chunk, raw: true, size: ndjson.byteLength })
    const session = (await tx.objectStore('sessions').get(chunk.sessionId))!
    session.counters.storedBytes += ndjson.byteLength - bytes.byteLength
    await tx.objectStore('sessions').put(session)
  }
  await tx.done
  db.close()
}

/** A burst the engine cannot keep up with: many batches handed over at once. */
async function burst(recorder: Recorder, count: number): Promise<string> {
  const { id } = await recorder.start()
  for (let i = 0; i < count; i++) {
    recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: `message ${i} ${'lorem ipsum '.repeat(20)}` })
  }
  await recorder.flush()
  return id
}

/** A `createWorker` that refuses: the engine runs on this page, where its IndexedDB writes can be watched. */
const onThisPage = (): Worker => {
  throw new Error('this test runs the engine on the page')
}

const chunkKey = (chunk: ChunkRecord) => `${chunk.sessionId}/${chunk.firstSeq}`

/**
 * Every chunk record and chunk's bytes put on this page from now on (`restore()` ends it); the
 * engine's two chunk writes (appendMany, compactChunk) both put. `refuse` may throw instead of a put.
 */
function watchChunkWrites(refuse?: (store: string, value: unknown, key: unknown) => void) {
  const records: ChunkRecord[] = []
  const data = new Map<string, Uint8Array>()
  const put = IDBObjectStore.prototype.put
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    if (this.name === 'chunks' || this.name === 'chunkData') refuse?.(this.name, value, key)
    if (this.name === 'chunks') records.push(value as ChunkRecord)
    if (this.name === 'chunkData') {
      const [sessionId, firstSeq] = key as [string, number]
      if (!data.has(`${sessionId}/${firstSeq}`)) data.set(`${sessionId}/${firstSeq}`, new Uint8Array((value as ArrayBuffer).slice(0)))
    }
    return put.call(this, value, key)
  }
  return {
    records,
    /** The bytes first written for the chunk. */
    firstData: (chunk: ChunkRecord) => data.get(chunkKey(chunk)),
    restore: () => {
      IDBObjectStore.prototype.put = put
    },
  }
}

describe('a burst: durable first, compressed when it is over', () => {
  test('large batches are not grouped past 8 M characters: each goes alone, compressed on its way in', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName)
    const { id } = await recorder.start()
    await recorder.flush()
    // Three batches of ~5 M characters each, handed over at once: the second and third wait while
    // the first is stored. Together they would cross the limit, so each is stored alone.
    const text = 'lorem ipsum dolor sit amet '.repeat(9_000) // 243,000 characters
    const handed: Array<Promise<unknown>> = []
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 20; i++) recorder.record('message.created', { messageId: `m${batch}.${i}`, role: 'user', content: text })
      handed.push(recorder.flush())
    }
    await Promise.all(handed)
    const stored = (await chunks(dbName)).filter((chunk) => chunk.firstSeq > 0)
    expect(stored.map((chunk) => chunk.count)).toEqual([20, 20, 20])
    // Stored raw means stored in a group (see RecorderEngine#write); read before compaction can run.
    expect(stored.map((chunk) => chunk.raw === true)).toEqual([false, false, false])
    expect((await recorder.sessions.events(id)).length).toBe(61)
  })

  test('batches that waited are stored raw, read back as they are, then compressed in place', async () => {
    // Every chunk write is watched (the engine runs on this page, as in "encrypted at rest"), so
    // the raw chunks are seen as they were stored, however fast the compactor comes after them.
    const watch = watchChunkWrites()
    try {
      const dbName = uniqueDb()
      const recorder = recorderFor(dbName, { maxBatchEvents: 100, createWorker: onThisPage })
      const id = await burst(recorder, 3000)
      expect(recorder.getSnapshot().engine).toBe('main-thread')
      const atFlush = await chunks(dbName)
      const raw = watch.records.filter((chunk) => chunk.raw)
      expect(raw.length).toBeGreaterThan(0)
      // A raw chunk holds the NDJSON itself, counted at its size.
      for (const chunk of raw) {
        const bytes = watch.firstData(chunk)!
        expect(isGzip(bytes)).toBe(false)
        expect(chunk.size).toBe(bytes.byteLength)
        expect(new TextDecoder().decode(bytes).split('\n').filter(Boolean)).toHaveLength(chunk.count)
      }
      const before = await recorder.sessions.events(id)
      expect(before.map((event) => event.seq)).toEqual([...Array(3001).keys()])

      const compacted = await waitFor(() => chunks(dbName), (all) => all.every((chunk) => !chunk.raw), 20_000)
      expect(compacted.every((chunk) => isGzip(chunk.bytes) && chunk.size === chunk.bytes.byteLength)).toBe(true)
      expect(compacted.map((chunk) => [chunk.firstSeq, chunk.lastSeq])).toEqual(atFlush.map((chunk) => [chunk.firstSeq, chunk.lastSeq]))
      // Each chunk stored raw was written again compressed, in place (same key).
      const compressed = new Set(watch.records.filter((chunk) => !chunk.raw).map(chunkKey))
      expect(raw.map(chunkKey).filter((key) => !compressed.has(key))).toEqual([])
      expect(await recorder.sessions.events(id)).toEqual(before)
      // The session counts what is stored now, and the export is one gzip stream of it all.
      const session = await recorder.sessions.get(id)
      expect(session!.counters.storedBytes).toBe(compacted.reduce((sum, chunk) => sum + chunk.size, 0))
      const exported = new Uint8Array(await (await recorder.sessions.export(id, 'jsonl.gz')).arrayBuffer())
      let inflated = '' // one gzip member per chunk: read as one stream
      new Gunzip((data) => (inflated += new TextDecoder().decode(data))).push(exported, true)
      const lines = inflated.split('\n').filter(Boolean)
      expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([...Array(3001).keys()])

      // Read back as they are: every chunk raw again (this engine's compactor has nothing queued,
      // so they stay raw while read), the same events.
      await leaveRaw(dbName)
      expect((await chunks(dbName)).every((chunk) => chunk.raw && !isGzip(chunk.bytes))).toBe(true)
      expect(await recorder.sessions.events(id)).toEqual(before)
    } finally {
      watch.restore()
    }
  })

  test('a batch alone, with nothing left raw, is compressed on its way in', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName)
    const { id } = await recorder.start()
    for (let i = 0; i < 3; i++) {
      recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: 'hello' })
      await recorder.flush()
    }
    const stored = await chunks(dbName)
    expect(stored.length).toBeGreaterThanOrEqual(3)
    expect(stored.every((chunk) => !chunk.raw && isGzip(chunk.bytes))).toBe(true)
    expect((await recorder.sessions.events(id)).length).toBe(4)
  })

  test('raw chunks a closed page left behind are compressed by the next recorder', async () => {
    const dbName = uniqueDb()
    const first = recorderFor(dbName, { maxBatchEvents: 100 })
    const id = await burst(first, 2000)
    await first.close()
    // As a page leaves them that closes before its engine had a quiet moment to compress: how much
    // it compressed first depends on the machine's load, so every chunk is made raw again here.
    await leaveRaw(dbName)
    expect((await chunks(dbName)).filter((chunk) => chunk.firstSeq > 0).every((chunk) => chunk.raw)).toBe(true)

    const second = recorderFor(dbName)
    await second.ready()
    await waitFor(() => chunks(dbName), (all) => all.every((chunk) => !chunk.raw && isGzip(chunk.bytes)), 20_000)
    const events = await second.sessions.events(id)
    // Every event once, then session.interrupted: close() gave the lease the page never used back.
    expect(events.map((event) => event.seq)).toEqual([...Array(2002).keys()])
    expect(events[2001]!.type).toBe('session.interrupted')
  })

  test('an upload of raw chunks sends them compressed: the server reads every event', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { maxBatchEvents: 100, endpoint: server, sync: 'manual' })
    const id = await burst(recorder, 2000)
    // Whether chunks are still raw when the upload starts depends on the machine's load: once the
    // engine has compressed them, they are made raw again here (it does not compress them twice).
    await waitFor(() => chunks(dbName), (all) => all.every((chunk) => !chunk.raw), 20_000)
    await leaveRaw(dbName)
    expect((await chunks(dbName)).filter((chunk) => chunk.raw).length).toBeGreaterThan(10)
    const status = await recorder.syncNow()
    expect(status).toMatchObject({ pendingEvents: 0, error: null })
    const events = await serverEvents(id)
    expect(events.map((event) => event.seq)).toEqual([...Array(2001).keys()])
  })

  test('encrypted at rest: raw chunks are encrypted too, and compacted without ever being written in clear', async () => {
    // Every chunk write is watched, so the test does not race the compactor for raw chunks: the
    // engine runs on this page (its worker refused), where IDBObjectStore.prototype.put is seen.
    // The worker's engine runs the same code. Both chunk writes (appendMany, compactChunk) put.
    const written: Array<{ store: string; value: unknown; key: unknown }> = []
    const put = IDBObjectStore.prototype.put
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name === 'chunks' || this.name === 'chunkData') {
        written.push({ store: this.name, value: value instanceof ArrayBuffer ? value.slice(0) : value, key })
      }
      return put.call(this, value, key)
    }
    try {
      const dbName = uniqueDb()
      const createWorker = (): Worker => {
        throw new Error('this test runs the engine on the page')
      }
      const recorder = recorderFor(dbName, { maxBatchEvents: 100, encryption: {}, createWorker })
      const id = await burst(recorder, 2000)
      const stored = await waitFor(() => chunks(dbName), (all) => all.every((chunk) => !chunk.raw), 20_000)
      expect((await recorder.sessions.events(id)).length).toBe(2001)
      expect(recorder.getSnapshot().engine).toBe('main-thread')

      const records = written.filter((one) => one.store === 'chunks').map((one) => one.value as ChunkRecord)
      // The burst's waiting batches were stored raw, encrypted; each was written again compressed.
      const raw = records.filter((chunk) => chunk.raw)
      expect(raw.length).toBeGreaterThan(0)
      expect(records.every((chunk) => chunk.encrypted)).toBe(true)
      const key = (chunk: ChunkRecord) => `${chunk.sessionId}/${chunk.firstSeq}`
      const compacted = new Set(records.filter((chunk) => !chunk.raw).map(key))
      expect(raw.filter((chunk) => !compacted.has(key(chunk)))).toEqual([])
      // No bytes ever written, nor any stored now, are the NDJSON or a gzip member in clear.
      const data = written.filter((one) => one.store === 'chunkData').map((one) => new Uint8Array(one.value as ArrayBuffer))
      expect(data.length).toBeGreaterThanOrEqual(records.length)
      expect([...data, ...stored.map((chunk) => chunk.bytes)].filter(inClear)).toEqual([])
      expect(stored.every((chunk) => chunk.encrypted)).toBe(true)
    } finally {
      IDBObjectStore.prototype.put = put
    }
  })
})

describe('a full disk', () => {
  test('room made by compressing what waits raw: the batch is stored on the retry, though nothing sent could be evicted', async () => {
    const dbName = uniqueDb()
    const first = recorderFor(dbName, { maxBatchEvents: 100 })
    const id = await burst(first, 2000)
    await first.close()
    // Left raw, as a page that closed in a burst leaves them; none was sent, so none can be evicted.
    await leaveRaw(dbName)
    const raw = new Set((await chunks(dbName)).filter((chunk) => chunk.raw).map(chunkKey))
    expect(raw.size).toBeGreaterThan(10)

    // The engine the recorder runs on a page without a worker; at init it queues the raw chunks
    // for its compactor, which takes its first turn a task later, behind the batch ingested below.
    const engine = new RecorderEngine()
    await engine.init({ dbName, storage: 'indexeddb', recover: false })
    // The disk is full until the compactor wrote a raw chunk back compressed: the new batch's
    // chunk is refused with the browser's QuotaExceededError until then (its first put, so the
    // transaction holds no other write when it is aborted).
    let refused = 0
    let compressedOne = false
    const watch = watchChunkWrites((store, value) => {
      if (store !== 'chunks') return
      const chunk = value as ChunkRecord
      if (!raw.has(chunkKey(chunk))) {
        if (compressedOne) return
        refused++
        throw new DOMException('The disk is full', 'QuotaExceededError')
      }
      if (!chunk.raw) compressedOne = true
    })
    try {
      const builder = new BatchBuilder()
      for (let i = 0; i < 5; i++) builder.push('x.note', JSON.stringify({ i }), Date.now(), Date.now())
      const result = await engine.ingest(builder.take(id, 'tab_full', 'full_1'))
      expect(refused).toBeGreaterThan(0)
      expect(compressedOne).toBe(true)
      expect(result).toMatchObject({ stored: 5, dropped: 0, firstSeq: 2001, lastSeq: 2005 })
      expect(result.error).toBeUndefined()
      const events = await engine.readEvents(id)
      expect(events.slice(2001).map((event) => [event.type, event.data])).toEqual([0, 1, 2, 3, 4].map((i) => ['x.note', { i }]))
    } finally {
      watch.restore()
      await engine.close()
    }
  })
})

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
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { maxBatchEvents: 100 })
    const id = await burst(recorder, 3000)
    const atFlush = await chunks(dbName)
    const raw = atFlush.filter((chunk) => chunk.raw)
    expect(raw.length).toBeGreaterThan(0)
    // A raw chunk holds the NDJSON itself, counted at its size.
    for (const chunk of raw) {
      expect(isGzip(chunk.bytes)).toBe(false)
      expect(chunk.size).toBe(chunk.bytes.byteLength)
      expect(new TextDecoder().decode(chunk.bytes).split('\n').filter(Boolean)).toHaveLength(chunk.count)
    }
    const before = await recorder.sessions.events(id)
    expect(before.map((event) => event.seq)).toEqual([...Array(3001).keys()])

    const compacted = await waitFor(() => chunks(dbName), (all) => all.every((chunk) => !chunk.raw), 20_000)
    expect(compacted.every((chunk) => isGzip(chunk.bytes) && chunk.size === chunk.bytes.byteLength)).toBe(true)
    expect(compacted.map((chunk) => [chunk.firstSeq, chunk.lastSeq])).toEqual(atFlush.map((chunk) => [chunk.firstSeq, chunk.lastSeq]))
    expect(await recorder.sessions.events(id)).toEqual(before)
    // The session counts what is stored now, and the export is one gzip stream of it all.
    const session = await recorder.sessions.get(id)
    expect(session!.counters.storedBytes).toBe(compacted.reduce((sum, chunk) => sum + chunk.size, 0))
    const exported = new Uint8Array(await (await recorder.sessions.export(id, 'jsonl.gz')).arrayBuffer())
    let inflated = '' // one gzip member per chunk: read as one stream
    new Gunzip((data) => (inflated += new TextDecoder().decode(data))).push(exported, true)
    const lines = inflated.split('\n').filter(Boolean)
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([...Array(3001).keys()])
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

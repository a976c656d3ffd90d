import { afterEach, expect, test } from 'vitest'
import { closeAll, recorderFor, uniqueDb } from '../../test/browser'
import { newProxy, serverEvents } from '../../test/sync'
import { createChunkCodec, openedStore } from '../storage/ChunkCodec'
import { createIdbStore, openDatabase } from '../storage/idbStore'
import type { RecordStore } from '../storage/RecordStore'
import { createHttpTransport } from './httpTransport'
import { SyncEngine } from './SyncEngine'

afterEach(closeAll)

test('a pipeline of two: the next batch is read from IndexedDB while the one before it is on its way to a slow server, and every event arrives once', async () => {
  // Recorded and closed first: the engine below is the only one on the database.
  const dbName = uniqueDb()
  const recorder = recorderFor(dbName, { sync: 'manual', maxBatchEvents: 50 })
  const { id } = await recorder.start()
  for (let i = 0; i < 400; i++) recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: `message ${i}` })
  await recorder.stop()
  await recorder.close()

  const proxy = await newProxy({ fallback: { delayMs: 150 } })
  const db = await openDatabase(dbName)
  // As the worker opens it: chunks still stored raw are compressed on the way out.
  const idb = openedStore(createIdbStore(db), createChunkCodec())
  const log: string[] = []
  let answers = 0
  const store: RecordStore = {
    ...idb,
    nextOutbox: async (maxBytes, maxChunks, after) => {
      const run = await idb.nextOutbox(maxBytes, maxChunks, after)
      if (run.length > 0) log.push(`read ${run[0]!.firstSeq} after ${answers} answers`)
      return run
    },
  }
  const http = createHttpTransport(proxy.url)
  const config = { headers: {}, maxBatchBytes: 1, mode: 'manual' as const, backoff: { baseMs: 20, capMs: 200 }, delayMs: 0, intervalMs: 30_000, requestTimeoutMs: 10_000, scope: dbName, shared: false }
  const engine = new SyncEngine(() => store, config, async (batch, context) => {
    log.push(`send ${batch.firstSeq}`)
    const response = await http(batch, context)
    answers++
    return response
  }, () => {})
  await engine.start()
  const status = await engine.syncNow()
  engine.stop()
  db.close()

  expect(status).toMatchObject({ state: 'idle', pendingEvents: 0, deadLetters: 0, error: null })
  // maxBatchBytes 1: one chunk a request, so several requests; each batch after the first was
  // read before the answer to the one before it came (read k after k − 1 answers, not k).
  const sends = log.filter((line) => line.startsWith('send'))
  expect(sends.length).toBeGreaterThanOrEqual(8)
  const reads = log.filter((line) => line.startsWith('read'))
  expect(reads).toEqual(sends.map((send, k) => `read ${send.slice(5)} after ${Math.max(0, k - 1)} answers`))
  // Nothing lost, nothing sent twice: one request per batch, every seq once on the server.
  expect(new Set((await proxy.requests()).map((request) => request.key)).size).toBe(sends.length)
  expect((await serverEvents(id)).map((event) => event.seq)).toEqual([...Array(402).keys()])
})

import { openDB } from 'idb'
import { afterEach, expect, test } from 'vitest'
import type { TapedeckDB } from '../storage/schema'
import type { PageEvents } from '../client/pageLifecycle'
import { createRecorder } from '../client/createRecorder'
import { closeAll, engineWorker, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { newProxy, serverEvents } from '../../test/sync'

afterEach(closeAll)

/** The recorder's worker, with the batches the page hands it lost once `lose()` says so (it dies with the page before storing them). */
function workerLosingIngests(lose: () => boolean): Worker {
  const worker = engineWorker()
  const post = worker.postMessage.bind(worker) as (...args: unknown[]) => void
  ;(worker as unknown as { postMessage: (...args: unknown[]) => void }).postMessage = (...args) => {
    if (typeof (args[0] as { ingest?: unknown } | null)?.ingest === 'number' && lose()) return
    post(...args)
  }
  return worker
}

test('events recorded while the page leaves, after its page-left mark was saved, sent by the page itself: the next start stores them under the seqs it sent, once, the mark last', async () => {
  const dbName = uniqueDb()
  const { url } = await newProxy()
  let page!: PageEvents
  let leaving = false
  let worker!: Worker
  // Not closed after the test: its last batches never get an answer.
  const closing = createRecorder({
    dbName,
    endpoint: url,
    workerWatchdogMs: 600_000, // a worker that stops answering is not replaced: this page is going
    syncDelayMs: 0,
    createWorker: () => (worker = workerLosingIngests(() => leaving)),
    lifecycle: { subscribe: (events) => ((page = events), () => {}) },
  })
  const { id } = await closing.start()
  for (let i = 0; i < 20; i++) closing.record('x.token', { i })
  await closing.flush()
  await closing.syncNow()
  leaving = true
  page.hide(true) // pagehide: the recorder's listener saves its copy, ending with the page-left mark
  for (let i = 20; i < 23; i++) closing.record('x.token', { i }) // a pagehide listener after it (recordRealtime's abort)
  page.hide() // visibilitychange: hidden — the page stamps them, sends them itself and saves them
  const db = await openDB<TapedeckDB>(dbName)
  await waitFor(() => db.count('tail'), (count) => count === 2)
  db.close()
  const tokens = async () => (await serverEvents(id)).filter((e) => e.type === 'x.token')
  const sent = await waitFor(tokens, (held) => held.length === 23)
  worker.terminate() // the page and its worker are gone

  const next = recorderFor(dbName, { endpoint: url, syncDelayMs: 0 })
  await next.ready()
  await next.syncNow()
  const held = await serverEvents(id)
  // The events the closing page sent are the ones stored: same seq, same id.
  expect(held.filter((e) => e.type === 'x.token').map((e) => [e.seq, e.id])).toEqual(sent.map((e) => [e.seq, e.id]))
  expect(held.map((e) => e.seq)).toEqual([...held.keys()])
  expect(held.at(-1)).toMatchObject({ type: 'session.paused', data: { reason: 'page-left' } })
  expect((await next.sessions.events(id)).map((e) => [e.seq, e.id])).toEqual(held.map((e) => [e.seq, e.id]))
})

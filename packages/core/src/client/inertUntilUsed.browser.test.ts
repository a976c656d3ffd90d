import { afterEach, expect, test, vi } from 'vitest'
import { createRecorder } from './createRecorder'
import { closeAll, recorderFor, uniqueDb } from '../../test/browser'

const Original = globalThis.Worker
let workers = 0
afterEach(closeAll)
afterEach(() => {
  vi.restoreAllMocks()
  globalThis.Worker = Original
})

/** Counts the workers made from now on. */
function countWorkers(): () => number {
  workers = 0
  globalThis.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options)
      workers++
    }
  }
  return () => workers
}

const databases = async () => (await indexedDB.databases()).map((database) => database.name)
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test('createRecorder() starts nothing: no worker, no database, no listener — until first use or mount()', async () => {
  const made = countWorkers()
  const onWindow = vi.spyOn(window, 'addEventListener')
  const onDocument = vi.spyOn(document, 'addEventListener')
  const dbName = uniqueDb()
  const recorder = recorderFor(dbName, { debug: false })
  const unused = createRecorder({ dbName: uniqueDb() }) // never used: nothing to close
  recorder.getSnapshot()
  recorder.subscribe(() => {})
  recorder.record('x.early', {}) // refused (no session): not a reason to start anything
  await tick(100)
  expect(made()).toBe(0)
  expect(onWindow).not.toHaveBeenCalled()
  expect(onDocument).not.toHaveBeenCalled()
  expect(await databases()).not.toContain(dbName)
  expect(recorder.getSnapshot()).toMatchObject({ ready: false, engine: null, state: 'idle' })
  expect(unused.getSnapshot().ready).toBe(false)

  recorder.mount()
  await recorder.ready()
  expect(made()).toBe(1)
  expect(onWindow.mock.calls.map(([type]) => type)).toContain('pagehide')
  expect(await databases()).toContain(dbName)
  expect(recorder.getSnapshot()).toMatchObject({ ready: true, engine: 'worker' })
})

test('the first start() connects; retain()/release() close a task after the last holder, unless taken again', async () => {
  const recorder = recorderFor(uniqueDb())
  const { id } = await recorder.start()
  expect(recorder.getSnapshot()).toMatchObject({ ready: true, state: 'recording' })
  recorder.retain()
  recorder.release()
  recorder.retain() // StrictMode: released and taken again in one go
  await tick(50)
  expect(recorder.getSnapshot().state).toBe('recording')
  await recorder.stop()
  recorder.release()
  await vi.waitFor(() => expect(recorder.getSnapshot().state).toBe('closed'))
  recorder.retain() // mounted again: reopened, and usable at once
  expect(recorder.getSnapshot().state).toBe('idle')
  await recorder.start({ sessionId: id })
  expect(recorder.getSnapshot()).toMatchObject({ state: 'recording', session: { id, resumed: true } })
})

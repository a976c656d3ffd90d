import { afterEach, describe, expect, test, vi } from 'vitest'
import { closeAll, engineWorker, recorderFor, uniqueDb } from '../../test/browser'

afterEach(async () => {
  vi.restoreAllMocks()
  await closeAll()
})

async function recordAndRead(recorder: ReturnType<typeof recorderFor>) {
  const { id } = await recorder.start()
  recorder.record('x.a', { n: 1 })
  await recorder.flush()
  return recorder.sessions.events(id)
}

describe('degrading instead of failing', () => {
  test('a worker the page may not create (CSP) → the same pipeline on the main thread, still durable', async () => {
    const onError = vi.fn()
    const recorder = recorderFor(uniqueDb(), {
      createWorker: () => {
        throw new DOMException("Refused to create a worker from 'blob:…' (worker-src 'self')", 'SecurityError')
      },
      onError,
    })
    const events = await recordAndRead(recorder)
    expect(events.map((e) => e.type)).toEqual(['session.started', 'x.a'])
    expect(recorder.getSnapshot()).toMatchObject({ engine: 'main-thread', storage: 'indexeddb', durable: true })
    expect(recorder.getSnapshot().errors[0]).toMatchObject({ code: 'worker_unavailable', message: expect.stringContaining('workerUrl') })
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'worker_unavailable' }))
  })

  test('a worker file that fails to load → main thread', async () => {
    const recorder = recorderFor(uniqueDb(), { workerUrl: '/no-such-worker.js' })
    expect((await recordAndRead(recorder)).length).toBe(2)
    expect(recorder.getSnapshot().engine).toBe('main-thread')
    expect(recorder.getSnapshot().error?.code).toBe('worker_unavailable')
  })

  test('a worker that never says it is ready → main thread after the timeout', async () => {
    const silent = URL.createObjectURL(new Blob(['/* loads, never answers */'], { type: 'text/javascript' }))
    const recorder = recorderFor(uniqueDb(), { workerUrl: silent, workerReadyTimeoutMs: 200 })
    expect((await recordAndRead(recorder)).length).toBe(2)
    expect(recorder.getSnapshot().engine).toBe('main-thread')
    expect(recorder.getSnapshot().error?.message).toMatch(/no answer within 200 ms/)
  })

  test('a worker that loads and then dies before opening storage → main thread', async () => {
    const dies = URL.createObjectURL(new Blob(["postMessage('tapedeck:ready'); close()"], { type: 'text/javascript' }))
    const recorder = recorderFor(uniqueDb(), { workerUrl: dies, workerReadyTimeoutMs: 300 })
    expect((await recordAndRead(recorder)).length).toBe(2)
    expect(recorder.getSnapshot()).toMatchObject({ engine: 'main-thread', durable: true })
    expect(recorder.getSnapshot().error?.message).toMatch(/did not open its storage within 300 ms/)
  })

  test('a worker that stops answering mid-session is replaced by the main thread; every event is stored once', async () => {
    let worker!: Worker
    const recorder = recorderFor(uniqueDb(), {
      createWorker: () => (worker = engineWorker()),
      workerWatchdogMs: 300,
      maxBatchEvents: 10,
    })
    const { id } = await recorder.start()
    for (let i = 0; i < 50; i++) recorder.record('x.before', { i })
    await recorder.flush()
    expect(recorder.getSnapshot().engine).toBe('worker')
    // Batches in flight when it dies: some may be stored, some not; the replacement sorts it out.
    for (let i = 0; i < 50; i++) recorder.record('x.during', { i })
    worker.terminate()
    for (let i = 0; i < 50; i++) recorder.record('x.after', { i })
    const { durable, dropped } = await recorder.flush()
    expect({ durable, dropped }).toEqual({ durable: 151, dropped: 0 })
    const events = await recorder.sessions.events(id)
    expect(events.map((e) => e.seq)).toEqual([...Array(151).keys()])
    for (const type of ['x.before', 'x.during', 'x.after']) {
      expect(events.filter((e) => e.type === type).map((e) => (e.data as { i: number }).i)).toEqual([...Array(50).keys()])
    }
    expect(recorder.getSnapshot().errors.some((e) => e.code === 'worker_unavailable' && /stopped answering/.test(e.message))).toBe(true)
  })

  test('useWorker: false runs on the main thread without complaint', async () => {
    const recorder = recorderFor(uniqueDb(), { useWorker: false })
    expect((await recordAndRead(recorder)).length).toBe(2)
    expect(recorder.getSnapshot()).toMatchObject({ engine: 'main-thread', durable: true, error: null })
  })

  test('IndexedDB that cannot be opened → memory only, durable: false, said in the status', async () => {
    vi.spyOn(IDBFactory.prototype, 'open').mockImplementation(() => {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError')
    })
    const recorder = recorderFor(uniqueDb(), { useWorker: false })
    const events = await recordAndRead(recorder)
    expect(events.map((e) => e.seq)).toEqual([0, 1])
    expect(recorder.getSnapshot()).toMatchObject({ storage: 'memory', durable: false })
    expect(recorder.getSnapshot().error).toMatchObject({ code: 'storage_unavailable', message: expect.stringContaining('memory only') })
  })

  test("storage: 'memory' keeps nothing across recorders", async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { storage: 'memory' })
    const [event] = await recordAndRead(recorder)
    expect(recorder.getSnapshot()).toMatchObject({ storage: 'memory', durable: false, error: null })
    const other = recorderFor(dbName)
    expect(await other.sessions.get(event!.sessionId)).toBeUndefined()
  })

  test('an onError callback that throws does not break recording', async () => {
    const onError = vi.fn(() => {
      throw new Error('host bug')
    })
    const recorder = recorderFor(uniqueDb(), { onError })
    const { id } = await recorder.start()
    expect(recorder.record('x.bad', { f: () => 1 })).toBe(false)
    expect(onError).toHaveBeenCalledTimes(1)
    recorder.record('x.good', {})
    await recorder.flush()
    expect((await recorder.sessions.events(id)).map((e) => e.type)).toEqual(['session.started', 'x.good'])
  })
})

import { expect, test } from './fixtures'

test('a page whose CSP refuses blob: workers records on the main thread; a self-hosted workerUrl still gets a worker', async ({ profile }) => {
  const page = await profile.open('/csp.html')
  const violations: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
  })
  const blob = await page.evaluate(async () => {
    const recorder = window.tapedeck.createRecorder({ createWorker: await window.tapedeck.blobWorker(), dbName: 'csp-blob' })
    const { id } = await recorder.start()
    recorder.record('x.a', { n: 1 })
    await recorder.flush()
    const snapshot = recorder.getSnapshot()
    return { engine: snapshot.engine, durable: snapshot.durable, error: snapshot.error, events: (await recorder.sessions.events(id)).length }
  })
  expect(blob).toMatchObject({ engine: 'main-thread', durable: true, events: 2, error: { code: 'worker_unavailable' } })
  expect(violations.length).toBeGreaterThan(0)

  const hosted = await page.evaluate(async () => {
    const recorder = window.tapedeck.createRecorder({ workerUrl: '/tapedeck-worker.js', dbName: 'csp-hosted' })
    const { id } = await recorder.start()
    recorder.record('x.a', { n: 1 })
    await recorder.flush()
    return { engine: recorder.getSnapshot().engine, error: recorder.getSnapshot().error, events: (await recorder.sessions.events(id)).length }
  })
  expect(hosted).toEqual({ engine: 'worker', error: null, events: 2 })
})

test('the same blob worker runs where the CSP allows it', async ({ profile }) => {
  const page = await profile.open('/')
  const engine = await page.evaluate(async () => {
    const recorder = window.tapedeck.createRecorder({ createWorker: await window.tapedeck.blobWorker() })
    await recorder.ready()
    return recorder.getSnapshot().engine
  })
  expect(engine).toBe('worker')
})

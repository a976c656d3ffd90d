import { expect, test } from './fixtures'

// The self-hosted worker (packages/core/dist/tapedeck-worker.js, served at /tapedeck-worker.js)
// loads its optional parts from the files beside it, under a CSP that allows workers from the
// page's origin only.
test('a self-hosted worker loads fflate, sealing and OTLP from the files beside it, under a strict CSP', async ({ profile }) => {
  const page = await profile.open('/csp.html')
  // The page reports what its worker fetches, too.
  const fetched: string[] = []
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname
    if (path.startsWith('/tapedeck-worker-')) fetched.push(`${path} ${response.status()}`)
  })
  const result = await page.evaluate(async () => {
    const pair = await crypto.subtle.generateKey(
      { name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['encrypt', 'decrypt'],
    )
    const publicKey = await crypto.subtle.exportKey('jwk', pair.publicKey)
    // compressionLevel: a batch alone is gzipped by fflate on its way in; encryptForServer seals it.
    const sealed = window.tapedeck.createRecorder({ workerUrl: '/tapedeck-worker.js', dbName: 'parts-sealed', compressionLevel: 6, encryptForServer: { publicKey } })
    const { id } = await sealed.start()
    sealed.record('message.created', { messageId: 'm1', role: 'user', content: 'tangerine' })
    await sealed.flush()
    const exported = await (await sealed.sessions.export(id)).text()
    const events = await sealed.sessions.events(id)
    const first = { engine: sealed.getSnapshot().engine, error: sealed.getSnapshot().error, events: events.length, plaintext: exported.includes('tangerine') }
    await sealed.stop()
    // transport: 'otlp': the OTLP part makes the transport when sync starts.
    const otlp = window.tapedeck.createRecorder({ workerUrl: '/tapedeck-worker.js', dbName: 'parts-otlp', endpoint: `${location.origin}/otlp`, transport: 'otlp' })
    await otlp.start()
    otlp.record('message.created', { messageId: 'm2', role: 'user', content: 'hello' })
    await otlp.flush()
    await otlp.syncNow().catch(() => undefined)
    const second = { engine: otlp.getSnapshot().engine, error: otlp.getSnapshot().error?.code ?? null }
    await otlp.stop()
    return { first, second }
  })
  expect(result.first).toEqual({ engine: 'worker', error: null, events: 2, plaintext: false })
  expect(result.second.engine).toBe('worker')
  await expect.poll(() => [...fetched].sort()).toEqual(['/tapedeck-worker-fflate.js 200', '/tapedeck-worker-otlp.js 200', '/tapedeck-worker-sealing.js 200'])
})

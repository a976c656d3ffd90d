import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandler } from '../http/createHandler.js'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { ndjson, recordSession } from '../testing/events.js'
import { postBatch } from '../testing/startServer.js'
import { toNodeListener } from './toNodeListener.js'

describe('toNodeListener mounted in Express', () => {
  let server: Server | undefined
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  async function mount(...middleware: express.RequestHandler[]) {
    const store = createMemoryStore()
    const app = express()
    for (const use of middleware) app.use(use)
    app.use('/tapedeck', toNodeListener(createHandler({ store, log: false })))
    server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server!.once('listening', resolve))
    return { store, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tapedeck` }
  }

  for (const [name, middleware] of [
    ['express.raw({ type: "*/*" })', [express.raw({ type: '*/*', limit: '10mb' })]],
    ['express.json() and express.text({ type: "application/x-ndjson" })', [express.json(), express.text({ type: 'application/x-ndjson' })]],
  ] as const) {
    it(`stores batches, blobs and holds behind ${name}`, async () => {
      const { store, url } = await mount(...middleware)
      const { events } = recordSession('s_1', 5)
      const gzipped = await postBatch(url, events)
      expect(gzipped.status).toBe(201)
      const plain = await postBatch(url, recordSession('s_2', 3).events, { headers: { 'Content-Encoding': 'identity' }, body: ndjson(recordSession('s_2', 3).events) })
      expect(plain.status).toBe(201)
      const blob = await fetch(`${url}/v1/sessions/s_1/blobs/b_1/0`, { method: 'PUT', body: new Uint8Array([1, 2, 3]), signal: AbortSignal.timeout(5000) })
      expect(blob.status).toBe(201)
      const hold = await fetch(`${url}/v1/sessions/s_1/hold`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: 'case 9' }),
        signal: AbortSignal.timeout(5000),
      })
      expect(hold.status).toBe(200)
      expect(await store.getHold('s_1')).toEqual(expect.objectContaining({ reason: 'case 9' }))
      expect((await store.getSession('s_1'))?.stats.events).toBe(5)
      expect((await store.getSession('s_2'))?.stats.events).toBe(3)
      expect((await store.getBlob('s_1', 'b_1', '0'))?.bytes).toEqual(new Uint8Array([1, 2, 3]))
    })
  }
})

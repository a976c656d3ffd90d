import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterEach, describe, it } from 'vitest'
import { createHandler } from '../http/createHandler.js'
import { toNodeListener } from '../node/toNodeListener.js'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { checkMount } from '../testing/mountContract.js'

// docs/server.md, "Express": app.use('/tapedeck', toNodeListener(handler)); Express strips the mount path.
describe('mounted in Express', { timeout: 30_000 }, () => {
  let server: Server | undefined
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  async function mount(...middleware: express.RequestHandler[]): Promise<string> {
    const app = express()
    for (const use of middleware) app.use(use)
    app.use('/tapedeck', toNodeListener(createHandler({ store: createMemoryStore(), log: false })))
    server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server!.once('listening', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/tapedeck`
  }

  it('ingests and reads with no body parser (bodies stream)', async () => {
    await checkMount(await mount())
  })

  // Body parsers in front read the body first: the handler takes what they left in req.body.
  for (const [name, middleware] of [
    ['express.raw({ type: "*/*" })', [express.raw({ type: '*/*', limit: '10mb' })]],
    ['express.json() and express.text({ type: "application/x-ndjson" })', [express.json(), express.text({ type: 'application/x-ndjson' })]],
  ] as const) {
    it(`ingests and reads behind ${name}`, async () => {
      await checkMount(await mount(...middleware))
    })
  }
})

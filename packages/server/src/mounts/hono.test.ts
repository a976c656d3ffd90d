import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { afterEach, describe, it } from 'vitest'
import { createHandler } from '../http/createHandler.js'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { checkMount } from '../testing/mountContract.js'

// docs/server.md, "Hono": a Fetch-API handler mounts as it is, on Node through @hono/node-server.
describe('mounted in Hono', { timeout: 30_000 }, () => {
  let server: ServerType | undefined
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve))
  })

  async function listen(app: Hono): Promise<string> {
    const address = await new Promise<AddressInfo>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve)
    })
    return `http://127.0.0.1:${address.port}`
  }

  it('ingests and reads under app.mount(), which strips the path, behind bodyLimit()', async () => {
    const app = new Hono()
    app.use(bodyLimit({ maxSize: 10 * 1024 * 1024 }))
    app.get('/', (c) => c.text('the app'))
    app.mount('/tapedeck', createHandler({ store: createMemoryStore(), log: false }))
    await checkMount(`${await listen(app)}/tapedeck`)
  })

  it('ingests and reads under app.all() with basePath', async () => {
    const app = new Hono()
    const handler = createHandler({ store: createMemoryStore(), log: false, basePath: '/api/tapedeck' })
    app.all('/api/tapedeck/*', (c) => handler(c.req.raw))
    await checkMount(`${await listen(app)}/api/tapedeck`)
  })
})

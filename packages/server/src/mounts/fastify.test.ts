import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandler } from '../http/createHandler.js'
import { toNodeListener } from '../node/toNodeListener.js'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { checkMount } from '../testing/mountContract.js'

// docs/server.md, "Fastify": in a plugin of its own, whose content-type parser leaves every body
// unread, the Node listener takes the raw request and response (reply.hijack()).
describe('mounted in Fastify', { timeout: 30_000 }, () => {
  let app: FastifyInstance | undefined
  afterEach(async () => {
    await app?.close()
  })

  it('ingests and reads in its own plugin, while the app’s body parsers (JSON, a buffer for every other type) keep serving its other routes', async () => {
    app = Fastify({ forceCloseConnections: true })
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    app.post('/echo', async (request) => ({ got: request.body }))
    const listener = toNodeListener(createHandler({ store: createMemoryStore(), log: false, basePath: '/tapedeck' }))
    await app.register(async (tapedeck) => {
      tapedeck.removeAllContentTypeParsers()
      tapedeck.addContentTypeParser('*', (_request, _payload, done) => done(null))
      tapedeck.all('/tapedeck/*', (request, reply) => {
        reply.hijack()
        listener(request.raw, reply.raw)
      })
    })
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    await checkMount(`${url}/tapedeck`)
    const echo = await fetch(`${url}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' })
    expect(await echo.json()).toEqual({ got: { a: 1 } })
  })
})

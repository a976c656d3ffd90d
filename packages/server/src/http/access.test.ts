import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { SessionStore } from '../store/SessionStore.js'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { event, recordSession } from '../testing/events.js'
import { errorCode, postBatch, startServer, type TestServer } from '../testing/startServer.js'

/** A request whose path is sent exactly as written (fetch would normalise dot segments away). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/`, { path, method: 'GET' }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('keys', () => {
  let server: TestServer
  afterEach(async () => {
    await server.close()
  })

  const auth = (key: string) => ({ Authorization: `Bearer ${key}` })

  it('lets an ingest key only write and a read key only read and erase', async () => {
    server = await startServer({ ingestKeys: ['in-1', 'in-2'], readKeys: ['read-1'] })
    const events = recordSession('s_1', 3).events
    const none = await postBatch(server.url, events)
    expect([none.status, none.headers.get('www-authenticate'), await errorCode(none)]).toEqual([401, 'Bearer', 'unauthorized'])
    const wrong = await postBatch(server.url, events, { headers: auth('guess') })
    expect([wrong.status, await errorCode(wrong)]).toEqual([401, 'unauthorized'])
    const readKeyWrites = await postBatch(server.url, events, { headers: auth('read-1') })
    expect([readKeyWrites.status, await errorCode(readKeyWrites)]).toEqual([403, 'forbidden'])
    expect((await postBatch(server.url, events, { headers: auth('in-2') })).status).toBe(201)

    const read = (key?: string, method = 'GET', path = '/v1/sessions/s_1') =>
      fetch(`${server.url}${path}`, { method, headers: key ? auth(key) : {} })
    expect((await read()).status).toBe(401)
    const ingestReads = await read('in-1')
    expect([ingestReads.status, await errorCode(ingestReads)]).toEqual([403, 'forbidden'])
    expect((await read('in-1', 'DELETE')).status).toBe(403)
    expect((await read('in-1', 'GET', '/v1/sessions')).status).toBe(403)
    expect((await read('read-1')).status).toBe(200)
    expect((await read('read-1', 'DELETE')).status).toBe(200)
    const blob = await fetch(`${server.url}/v1/sessions/s_1/blobs/b/0`, { method: 'PUT', headers: auth('read-1'), body: 'x' })
    expect(blob.status).toBe(403)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  it('is open when no key is configured', async () => {
    server = await startServer()
    expect((await postBatch(server.url, [event('s_1', 0)])).status).toBe(201)
    expect((await fetch(`${server.url}/v1/sessions/s_1`)).status).toBe(200)
  })

  it('closes reading when only ingest keys are configured', async () => {
    server = await startServer({ ingestKeys: ['in'] })
    expect((await fetch(`${server.url}/v1/sessions`)).status).toBe(401)
    expect((await fetch(`${server.url}/v1/sessions`, { headers: auth('in') })).status).toBe(403)
  })
})

describe('CORS', () => {
  let server: TestServer
  afterEach(async () => {
    await server.close()
  })

  const preflight = (origin: string) =>
    fetch(`${server.url}/v1/batches`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'idempotency-key' },
    })

  it('answers preflights and responses for allowed origins only', async () => {
    server = await startServer({ cors: { origins: ['https://app.example.com'] } })
    const allowed = await preflight('https://app.example.com')
    expect(allowed.status).toBe(204)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/)
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Tapedeck-Seq/)
    expect(allowed.headers.get('access-control-allow-methods')).toMatch(/PUT/)
    const refused = await preflight('https://evil.example.com')
    expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([403, null])
    const posted = await postBatch(server.url, [event('s_1', 0)], { headers: { Origin: 'https://app.example.com' } })
    expect(posted.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    expect(posted.headers.get('vary')).toBe('Origin')
    const other = await postBatch(server.url, [event('s_1', 1)], { headers: { Origin: 'https://evil.example.com' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })

  it("allows every origin with '*', and none without cors", async () => {
    server = await startServer({ cors: { origins: '*' } })
    expect((await preflight('https://any.example.com')).headers.get('access-control-allow-origin')).toBe('*')
    await server.close()
    server = await startServer()
    expect((await preflight('https://any.example.com')).status).toBe(403)
  })
})

describe('routing and failures', () => {
  let server: TestServer
  afterEach(async () => {
    await server.close()
  })

  it('answers unknown paths 404 and wrong methods 405, with codes', async () => {
    server = await startServer()
    const missing = await fetch(`${server.url}/v2/batches`)
    expect([missing.status, await errorCode(missing)]).toEqual([404, 'not_found'])
    const wrongMethod = await fetch(`${server.url}/v1/batches`)
    expect([wrongMethod.status, await errorCode(wrongMethod)]).toEqual([405, 'method_not_allowed'])
  })

  it('refuses paths that climb or smuggle separators with 400', async () => {
    server = await startServer()
    for (const path of ['/v1/sessions/../../etc/passwd', '/v1/sessions/s_1/%2e%2e/x', '/v1/sessions/./s_1']) {
      const response = await rawGet(server.url, path)
      expect([path, response.status, JSON.parse(response.body).error.code]).toEqual([path, 400, 'invalid_path'])
    }
    for (const path of ['/v1/sessions/..%2F..%2Fetc', '/v1/sessions/a%00b', '/v1/sessions/a%5Cb', '/v1/sessions/a%20b']) {
      const response = await rawGet(server.url, path)
      expect([path, response.status, JSON.parse(response.body).error.code]).toEqual([path, 400, 'invalid_id'])
    }
  })

  it('mounts under a base path', async () => {
    server = await startServer({ basePath: '/api/tapedeck/' })
    expect((await fetch(`${server.url}/api/tapedeck/healthz`)).status).toBe(200)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(404)
  })

  it('logs one line per request with its id, never event content', async () => {
    server = await startServer()
    const secret = 'my card is 4111 1111 1111 1111'
    const response = await postBatch(server.url, [event('s_1', 0, 'message.created', { content: secret })])
    const id = response.headers.get('tapedeck-request-id')
    expect(id).toMatch(/^[0-9a-f]{8}$/)
    expect(server.logs).toHaveLength(1)
    expect(server.logs[0]).toMatch(new RegExp(`^${id} POST /v1/batches 201 [\\d.]+ms session=s_1 seq=0-0 stored=1$`))
    await fetch(`${server.url}/v1/sessions/s_1/export?format=jsonl`).then((r) => r.text())
    expect(server.logs).toHaveLength(2)
    expect(server.logs.join('\n')).not.toContain('4111')
  })

  it('answers a store failure with 500 without its details, and logs it', async () => {
    const failing: SessionStore = {
      ...createMemoryStore(),
      putBatch: async () => {
        throw new Error('disk on fire at /secret/path')
      },
    }
    server = await startServer({ store: failing })
    const response = await postBatch(server.url, [event('s_1', 0)])
    const body = await response.text()
    expect(response.status).toBe(500)
    expect(JSON.parse(body).error.code).toBe('internal_error')
    expect(body).not.toContain('secret')
    expect(server.logs[0]).toMatch(/^ERROR .* 500 /)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })
})

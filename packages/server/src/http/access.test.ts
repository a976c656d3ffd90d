import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { recordSession } from '../testing/events.js'
import { KEYS, auth, caller } from '../testing/caller.js'
import { errorCode } from '../testing/startServer.js'
import type { Access } from './authorize.js'
import { createHandler } from './createHandler.js'
import { listRoutes } from './routes.js'

/** What every route needs: written out here, so a new route fails this test until it is classified. */
const EXPECTED_ACCESS: Record<string, Access | null> = {
  'GET /healthz': null,
  'POST /v1/batches': 'ingest',
  'GET /v1/sessions': 'read',
  'GET /v1/sessions/{sessionId}': 'read',
  'DELETE /v1/sessions/{sessionId}': 'erase',
  'GET /v1/sessions/{sessionId}/events': 'read',
  'GET /v1/sessions/{sessionId}/export': 'read',
  'GET /v1/sessions/{sessionId}/hold': 'read',
  'PUT /v1/sessions/{sessionId}/hold': 'admin',
  'DELETE /v1/sessions/{sessionId}/hold': 'admin',
  'GET /v1/sessions/{sessionId}/blobs/{blobId}/{part}': 'read',
  'PUT /v1/sessions/{sessionId}/blobs/{blobId}/{part}': 'ingest',
  'DELETE /v1/users': 'admin',
  'DELETE /v1/users/{userId}': 'admin',
  'GET /v1/access': 'read',
  'GET /v1/stats': 'read',
  'GET /v1/stats/checks': 'read',
  'GET /v1/export': 'read',
  'GET /v1/sessions/{sessionId}/annotations': 'read',
  'POST /v1/sessions/{sessionId}/annotations': 'review',
  'PATCH /v1/sessions/{sessionId}/annotations/{annotationId}': 'review',
  'DELETE /v1/sessions/{sessionId}/annotations/{annotationId}': 'review',
  'GET /v1/sessions/{sessionId}/shares': 'review',
  'POST /v1/sessions/{sessionId}/shares': 'review',
  'DELETE /v1/sessions/{sessionId}/shares/{shareId}': 'review',
}

describe('keys', () => {
  it('classifies every route', () => {
    const routes = Object.fromEntries(listRoutes().map(({ method, path, access }) => [`${method} ${path}`, access]))
    expect(routes).toEqual(EXPECTED_ACCESS)
  })

  it('admits to each route exactly the kinds of key its class allows', async () => {
    const admitted: Record<Access, string[]> = {
      ingest: ['in-1'],
      read: ['read-1', 'review-1', 'admin-1'],
      review: ['review-1', 'admin-1'],
      erase: ['admin-1', 'in-1'],
      admin: ['admin-1'],
    }
    const { call } = caller(KEYS)
    for (const { method, path, access } of listRoutes()) {
      const url = path
        .replace('{sessionId}', 's_1')
        .replace('{blobId}', 'b')
        .replace('{part}', '0')
        .replace('{userId}', 'u_1')
        .replace('{annotationId}', 'a_1')
        .replace('{shareId}', 'sh_1')
      for (const key of [undefined, 'in-1', 'read-1', 'review-1', 'admin-1', 'unknown']) {
        const { status } = await call(method, url, { ...(key && { key }) })
        const allowed = access === null || (key !== undefined && admitted[access].includes(key))
        const expected = allowed ? 'passes' : key === undefined || key === 'unknown' ? 401 : 403
        expect([method, url, key, allowed ? (status === 401 || status === 403 ? status : 'passes') : status]).toEqual([method, url, key, expected])
      }
    }
  })

  it('lets an ingest key write and erase a session, a read key only read, an admin key read, erase and hold', async () => {
    const { call, send } = caller(KEYS)
    const none = await send()
    expect([none.status, none.headers.get('www-authenticate'), await errorCode(none)]).toEqual([401, 'Bearer', 'unauthorized'])
    const wrong = await send(undefined, { key: 'guess' })
    expect([wrong.status, await errorCode(wrong)]).toEqual([401, 'unauthorized'])
    const readKeyWrites = await send(undefined, { key: 'read-1' })
    expect([readKeyWrites.status, await errorCode(readKeyWrites)]).toEqual([403, 'forbidden'])
    expect((await send(undefined, { key: 'in-2' })).status).toBe(201)
    expect((await call('PUT', '/v1/sessions/s_1/blobs/b/0', { key: 'in-2', body: 'x' })).status).toBe(201)

    const ingestReads = await call('GET', '/v1/sessions/s_1', { key: 'in-1' })
    expect([ingestReads.status, await errorCode(ingestReads)]).toEqual([403, 'forbidden'])
    expect((await call('GET', '/v1/sessions/s_1', { key: 'read-1' })).status).toBe(200)
    const readErases = await call('DELETE', '/v1/sessions/s_1', { key: 'read-1' })
    expect([readErases.status, ((await readErases.json()) as { error: { message: string } }).error.message]).toEqual([
      403,
      'A read key may not do this: erasing a session takes an admin key or an ingest key.',
    ])
    expect((await call('PUT', '/v1/sessions/s_1/hold', { key: 'read-1' })).status).toBe(403)
    expect((await call('PUT', '/v1/sessions/s_1/hold', { key: 'in-1' })).status).toBe(403)
    expect((await call('DELETE', '/v1/users/u_1', { key: 'in-1' })).status).toBe(403)
    expect((await call('PUT', '/v1/sessions/s_1/hold', { key: 'admin-1' })).status).toBe(200)
    expect((await call('DELETE', '/v1/sessions/s_1/hold', { key: 'admin-1' })).status).toBe(200)
    expect((await call('DELETE', '/v1/sessions/s_1', { key: 'in-1' })).status).toBe(200)
    expect((await call('GET', '/v1/sessions/s_1', { key: 'admin-1' })).status).toBe(404)
    expect((await call('GET', '/healthz')).status).toBe(200)
  })

  it('keeps erasing to admin keys when ingestCanErase is false', async () => {
    const { call, send } = caller({ ...KEYS, ingestCanErase: false })
    await send(undefined, { key: 'in-1' })
    const refused = await call('DELETE', '/v1/sessions/s_1', { key: 'in-1' })
    expect([refused.status, ((await refused.json()) as { error: { message: string } }).error.message]).toEqual([
      403,
      'An ingest key may not do this: erasing a session takes an admin key.',
    ])
    expect((await call('DELETE', '/v1/sessions/s_1', { key: 'admin-1' })).status).toBe(200)
  })

  it('is open when no key is configured', async () => {
    const { call, send } = caller()
    expect((await send()).status).toBe(201)
    expect((await call('GET', '/v1/sessions/s_1')).status).toBe(200)
    expect((await call('PUT', '/v1/sessions/s_1/hold')).status).toBe(200)
  })

  it('closes every kind whose list is empty once any key is configured', async () => {
    const { call } = caller({ ingestKeys: ['in'] })
    expect((await call('GET', '/v1/sessions')).status).toBe(401)
    expect((await call('GET', '/v1/sessions', { key: 'in' })).status).toBe(403)
    expect((await call('DELETE', '/v1/users/u', { key: 'in' })).status).toBe(403)
  })

  it('refuses a key listed under two kinds, or one that cannot be sent in a header', () => {
    const store = createMemoryStore()
    expect(() => createHandler({ store, ingestKeys: ['same'], adminKeys: ['same'] })).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    expect(() => createHandler({ store, readKeys: ['has space'] })).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    expect(() => createHandler({ store, adminKeys: [''] })).toThrow(expect.objectContaining({ code: 'invalid_options' }))
  })
})

describe('rate limits', () => {
  it('gives each key its own token bucket and answers 429 with Retry-After when it is empty', async () => {
    let clock = 1_000_000
    const { call, send, log } = caller({ ...KEYS, rateLimits: { ingest: { perSecond: 2, burst: 3 } }, now: () => clock })
    const events = recordSession('s_1', 1).events
    for (let i = 0; i < 3; i++) expect((await send(events, { key: 'in-1' })).status).toBeLessThan(300)
    const limited = await send(events, { key: 'in-1' })
    const body = (await limited.json()) as { error: { code: string; requestId: string } }
    expect([limited.status, limited.headers.get('retry-after'), body.error.code]).toEqual([429, '1', 'rate_limited'])
    expect(body.error.requestId).toBe(limited.headers.get('x-request-id'))
    expect(log.lines.at(-1)).toMatch(/ POST \/v1\/batches 429 [\d.]+ms key=ingest rate_limited$/)

    expect((await send(events, { key: 'in-2' })).status).toBe(200) // another key, another bucket
    expect((await call('DELETE', '/v1/sessions/s_none', { key: 'in-1' })).status).toBe(429) // the key's bucket, whatever the route
    for (let i = 0; i < 5; i++) expect((await call('GET', '/v1/sessions', { key: 'read-1' })).status).toBe(200) // read keys: no limit set

    clock += 499
    expect((await send(events, { key: 'in-1' })).status).toBe(429)
    clock += 1 // 0.5 s: one token
    expect((await send(events, { key: 'in-1' })).status).toBe(200)
    expect((await send(events, { key: 'in-1' })).status).toBe(429)
    clock += 10_000 // refills to the burst, not beyond
    for (let i = 0; i < 3; i++) expect((await send(events, { key: 'in-1' })).status).toBe(200)
    expect((await send(events, { key: 'in-1' })).status).toBe(429)
  })

  it('says how long to wait at a slow rate', async () => {
    let clock = 0
    const { call } = caller({ ...KEYS, rateLimits: { admin: { perSecond: 0.1, burst: 1 } }, now: () => clock })
    expect((await call('GET', '/v1/sessions', { key: 'admin-1' })).status).toBe(200)
    expect((await call('GET', '/v1/sessions', { key: 'admin-1' })).headers.get('retry-after')).toBe('10')
    clock += 4000
    expect((await call('GET', '/v1/sessions', { key: 'admin-1' })).headers.get('retry-after')).toBe('6')
  })

  it('limits an open server by the kind of route', async () => {
    const { call, send } = caller({ rateLimits: { read: { perSecond: 1, burst: 1 } }, now: () => 0 })
    expect((await call('GET', '/v1/sessions')).status).toBe(200)
    expect((await call('GET', '/v1/sessions')).status).toBe(429)
    expect((await send()).status).toBe(201)
  })

  it('refuses a limit that could never admit a request', () => {
    const store = createMemoryStore()
    for (const limit of [{ perSecond: 0, burst: 1 }, { perSecond: 1, burst: 0 }, { perSecond: Number.NaN, burst: 1 }]) {
      expect(() => createHandler({ store, rateLimits: { ingest: limit } })).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    }
  })
})

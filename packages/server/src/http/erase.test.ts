import { afterEach, describe, expect, it } from 'vitest'
import { recordSession } from '../testing/events.js'
import { errorCode, postBatch, startServer, type TestServer } from '../testing/startServer.js'

const KEYS = { ingestKeys: ['in-key'], readKeys: ['read-key'], adminKeys: ['admin-key'] }
const as = (key: string) => ({ Authorization: `Bearer ${key}` })

describe('erasure and legal holds over HTTP', () => {
  let server: TestServer
  let clock = 1_763_766_000_000
  afterEach(async () => {
    await server.close()
  })

  const call = (method: string, path: string, key: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, method, headers: { ...as(key), ...(init.headers as Record<string, string>) } })
  const putHold = (id: string, body: string, contentType = 'application/json') =>
    call('PUT', `/v1/sessions/${id}/hold`, 'admin-key', { headers: { 'Content-Type': contentType }, body })
  const eventCount = async (id: string) => (await (await call('GET', `/v1/sessions/${id}/events`, 'read-key')).text()).trimEnd().split('\n').length

  async function record(id: string, userId = 'ada@example.com'): Promise<void> {
    expect((await postBatch(server.url, recordSession(id, 5, { userId }).events, { headers: as('in-key') })).status).toBe(201)
    const blob = await call('PUT', `/v1/sessions/${id}/blobs/a_1/0`, 'in-key', { headers: { 'Content-Type': 'audio/webm' }, body: new Uint8Array([1, 2, 3]) })
    expect(blob.status).toBe(201)
  }

  it('lets the recorder erase a session it recorded with its ingest key, blobs included, but not a user', async () => {
    server = await startServer(KEYS)
    await record('s_mine')
    await record('s_kept')
    const erased = await call('DELETE', '/v1/sessions/s_mine', 'in-key')
    expect([erased.status, await erased.json()]).toEqual([200, { deleted: ['s_mine'] }])
    expect((await call('GET', '/v1/sessions/s_mine', 'read-key')).status).toBe(404)
    expect((await call('GET', '/v1/sessions/s_mine/blobs/a_1/0', 'read-key')).status).toBe(404)
    const again = await call('DELETE', '/v1/sessions/s_mine', 'in-key')
    expect([again.status, await errorCode(again)]).toEqual([404, 'session_not_found'])
    const byUser = await call('DELETE', `/v1/users/${encodeURIComponent('ada@example.com')}`, 'in-key')
    expect([byUser.status, await errorCode(byUser)]).toEqual([403, 'forbidden'])
    expect(await eventCount('s_kept')).toBe(5)
  })

  it('keeps a held session whole against every erase until an admin key releases it', async () => {
    server = await startServer({ ...KEYS, now: () => clock })
    await record('s_held')
    await record('s_other')
    const placed = await putHold('s_held', JSON.stringify({ reason: 'Case 2025-17, Doe v. Example' }))
    const hold = { reason: 'Case 2025-17, Doe v. Example', since: clock }
    expect([placed.status, await placed.json()]).toEqual([200, { hold }])
    expect(await (await call('GET', '/v1/sessions/s_held/hold', 'read-key')).json()).toEqual({ hold })
    expect(((await (await call('GET', '/v1/sessions/s_held', 'read-key')).json()) as { hold: unknown }).hold).toEqual(hold)
    expect(await (await call('GET', '/v1/sessions/s_other/hold', 'read-key')).json()).toEqual({ hold: null })

    for (const key of ['in-key', 'admin-key']) {
      const refused = await call('DELETE', '/v1/sessions/s_held', key)
      const body = (await refused.json()) as { error: { code: string; message: string } }
      expect([refused.status, body.error.code]).toEqual([423, 'session_held'])
      expect(body.error.message).toBe('Session s_held is under legal hold and was not erased; an admin key can release it with DELETE /v1/sessions/s_held/hold.')
      expect(body.error.message).not.toContain('Doe')
    }
    const byUser = await call('DELETE', `/v1/users/${encodeURIComponent('ada@example.com')}`, 'admin-key')
    expect([byUser.status, await byUser.json()]).toEqual([200, { deleted: ['s_other'], held: ['s_held'] }])
    expect(await eventCount('s_held')).toBe(5)
    expect(Array.from(new Uint8Array(await (await call('GET', '/v1/sessions/s_held/blobs/a_1/0', 'read-key')).arrayBuffer()))).toEqual([1, 2, 3])

    clock += 60_000
    const replaced = await putHold('s_held', JSON.stringify({ reason: 'Case 2025-17 and 2025-18' }))
    expect(await replaced.json()).toEqual({ hold: { reason: 'Case 2025-17 and 2025-18', since: hold.since } })
    const released = await call('DELETE', '/v1/sessions/s_held/hold', 'admin-key')
    expect([released.status, await released.json()]).toEqual([200, { hold: null }])
    expect((await call('DELETE', '/v1/sessions/s_held', 'in-key')).status).toBe(200)

    expect(server.logs.some((line) => / PUT \/v1\/sessions\/s_held\/hold 200 .* key=admin hold=placed$/.test(line))).toBe(true)
    expect(server.logs.filter((line) => / DELETE \/v1\/sessions\/s_held 423 .* held session_held$/.test(line))).toHaveLength(2)
    expect(server.logs.join('\n')).not.toContain('Doe')
  })

  it('places a hold without a reason, and refuses one it cannot read', async () => {
    server = await startServer({ ...KEYS, now: () => clock })
    await record('s_1')
    expect(await (await call('PUT', '/v1/sessions/s_1/hold', 'admin-key')).json()).toEqual({ hold: { reason: '', since: clock } })
    expect(await (await putHold('s_1', '{}')).json()).toEqual({ hold: { reason: '', since: clock } })
    const refusals: Array<[string, string, number, string]> = [
      ['not json', 'application/json', 400, 'invalid_body'],
      ['[1]', 'application/json', 400, 'invalid_body'],
      ['{"reason": 5}', 'application/json', 400, 'invalid_body'],
      [JSON.stringify({ reason: 'x'.repeat(1001) }), 'application/json', 400, 'invalid_body'],
      ['{"reason": "x"}', 'text/plain', 415, 'unsupported_media_type'],
      [JSON.stringify({ reason: 'x'.repeat(20_000) }), 'application/json', 413, 'body_too_large'],
    ]
    for (const [body, type, status, code] of refusals) {
      const response = await putHold('s_1', body, type)
      expect([body.slice(0, 20), response.status, await errorCode(response)]).toEqual([body.slice(0, 20), status, code])
    }
    const unknown = await putHold('s_none', '{"reason": "x"}')
    expect([unknown.status, await errorCode(unknown)]).toEqual([404, 'session_not_found'])
    const releaseUnknown = await call('DELETE', '/v1/sessions/s_none/hold', 'admin-key')
    expect([releaseUnknown.status, await errorCode(releaseUnknown)]).toEqual([404, 'session_not_found'])
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WireEvent } from '../store/SessionStore.js'
import { event, recordSession } from '../testing/events.js'
import { errorCode, postBatch, startServer, type TestServer } from '../testing/startServer.js'

const PARENT = 's_browser'

function stream(id: string, count: number, startTs: number): WireEvent[] {
  return Array.from({ length: count }, (_, seq) => ({
    ...event(id, seq, seq === 0 ? 'session.started' : 'provider.call.completed', seq === 0 ? { parent: PARENT, stream: 'server' } : { callId: `c${seq}`, model: 'mock' }),
    ts: startTs + seq * 100 + 50,
  }))
}

describe('linked streams over HTTP (Tapedeck-Parent)', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startServer()
  })
  afterEach(async () => {
    await server.close()
  })

  const get = (path: string) => fetch(`${server.url}${path}`)
  const linked = (events: WireEvent[], parent = PARENT, key?: string) => postBatch(server.url, events, { headers: { 'Tapedeck-Parent': parent }, ...(key && { key }) })

  it('stores a stream under its parent: the detail names it, ?streams=linked reads both on one timeline', async () => {
    const browser = recordSession(PARENT, 4).events
    expect((await postBatch(server.url, browser)).status).toBe(201)
    const server1 = stream('srv_1', 3, browser[0]!.ts!)
    expect((await linked(server1)).status).toBe(201)
    // A repeated batch is a duplicate, as for any session.
    expect((await linked(server1)).status).toBe(200)

    const detail = (await (await get(`/v1/sessions/${PARENT}`)).json()) as { streams?: string[]; stats: { events: number } }
    expect(detail.streams).toEqual(['srv_1'])
    expect(detail.stats.events).toBe(4)
    const own = (await (await get(`/v1/sessions/${PARENT}/events`)).text()).trimEnd().split('\n').map((line) => JSON.parse(line) as WireEvent)
    expect(own).toEqual(browser)
    const timeline = (await (await get(`/v1/sessions/${PARENT}/events?streams=linked`)).text()).trimEnd().split('\n').map((line) => JSON.parse(line) as WireEvent)
    expect(timeline.map((e) => `${e.sessionId}:${e.seq}`)).toEqual(['s_browser:0', 'srv_1:0', 's_browser:1', 'srv_1:1', 's_browser:2', 'srv_1:2', 's_browser:3'])
    expect((await (await get('/v1/sessions/srv_1')).json()).metadata).toEqual({ parent: PARENT, stream: 'server' })
  })

  it('refuses a bad or changed parent with a stable code, and storing nothing', async () => {
    for (const parent of ['', 'a b', 'srv_1']) {
      const refused = await linked(stream('srv_1', 2, 0), parent)
      expect([parent, refused.status, await errorCode(refused)]).toEqual([parent, 400, 'invalid_parent_header'])
    }
    expect((await linked(stream('srv_1', 2, 0))).status).toBe(201)
    const moved = await linked([{ ...event('srv_1', 2, 'provider.call.completed'), ts: 0 }], 's_elsewhere')
    expect([moved.status, await errorCode(moved)]).toEqual([422, 'parent_mismatch'])
    expect((await get('/v1/sessions/srv_1')).status).toBe(200)
    expect((await (await get('/v1/sessions/srv_1')).json()).stats.events).toBe(2)
    const badQuery = await get(`/v1/sessions/srv_1/events?streams=all`)
    expect([badQuery.status, await errorCode(badQuery)]).toEqual([400, 'invalid_query'])
    const both = await get(`/v1/sessions/srv_1/events?streams=linked&fromSeq=1`)
    expect([both.status, await errorCode(both)]).toEqual([400, 'invalid_query'])
  })

  it('erasing the parent erases its streams, by session and by user', async () => {
    await postBatch(server.url, recordSession(PARENT, 3, { userId: 'u_ada' }).events)
    await linked(stream('srv_1', 2, 0))
    await linked(stream('srv_2', 2, 0))
    const erased = await fetch(`${server.url}/v1/sessions/${PARENT}`, { method: 'DELETE' })
    expect([erased.status, await erased.json()]).toEqual([200, { deleted: [PARENT, 'srv_1', 'srv_2'] }])
    expect((await get('/v1/sessions/srv_1')).status).toBe(404)

    await postBatch(server.url, recordSession('s_b2', 3, { userId: 'u_bob' }).events)
    await postBatch(server.url, stream('srv_3', 2, 0), { headers: { 'Tapedeck-Parent': 's_b2' } })
    const byUser = await fetch(`${server.url}/v1/users/u_bob`, { method: 'DELETE' })
    expect([byUser.status, await byUser.json()]).toEqual([200, { deleted: ['s_b2', 'srv_3'], held: [] }])
    expect((await get('/v1/sessions/srv_3')).status).toBe(404)
  })
})

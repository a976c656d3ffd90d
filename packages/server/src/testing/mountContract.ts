import { expect } from 'vitest'
import { ndjson, recordSession } from './events.js'
import { postBatch } from './startServer.js'

const timeout = () => AbortSignal.timeout(5000)

/**
 * What a mount of the handler in a framework must do (docs/server.md, "Mount it in your own
 * server"), through `url` where it is mounted: ingest — a gzip batch, a plain one, a blob part,
 * a hold with a JSON body — then read all of it back, and refuse bad input with a 4xx and its code.
 */
export async function checkMount(url: string): Promise<void> {
  const first = recordSession('s_1', 5).events
  const second = recordSession('s_2', 3).events
  expect((await postBatch(url, first)).status).toBe(201)
  expect((await postBatch(url, second, { headers: { 'Content-Encoding': 'identity' }, body: ndjson(second) })).status).toBe(201)
  const blob = await fetch(`${url}/v1/sessions/s_1/blobs/b_1/0`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array([1, 2, 3]),
    signal: timeout(),
  })
  expect(blob.status).toBe(201)
  const hold = await fetch(`${url}/v1/sessions/s_1/hold`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason: 'case 9' }),
    signal: timeout(),
  })
  expect(hold.status).toBe(200)

  const get = (path: string) => fetch(`${url}${path}`, { signal: timeout() })
  const list = (await (await get('/v1/sessions')).json()) as { sessions: Array<{ id: string }> }
  expect(list.sessions.map((session) => session.id).sort()).toEqual(['s_1', 's_2'])
  const detail = (await (await get('/v1/sessions/s_1')).json()) as { stats: { events: number }; hold: { reason: string } | null }
  expect([detail.stats.events, detail.hold?.reason]).toEqual([5, 'case 9'])
  const events = (await (await get('/v1/sessions/s_2/events')).text()).split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown)
  expect(events).toEqual(second)
  expect(new Uint8Array(await (await get('/v1/sessions/s_1/blobs/b_1/0')).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]))

  const bad = await postBatch(url, first, { key: 'k_bad', headers: { 'Content-Encoding': 'identity' }, body: 'not json\n' })
  expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([422, 'invalid_json'])
  const missing = await get('/v1/sessions/s_none')
  expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([404, 'session_not_found'])
}

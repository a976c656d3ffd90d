import { createHandler, createMemoryStore, serve } from '@tapedeck/server'
import { gzipSync, strToU8 } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TapedeckEvent } from '../events/catalogue'
import { createReadClient } from './createReadClient'
import { ReadApiError } from './ReadApiError'

const START = 1_763_766_000_000
let server: { url: string; close(): Promise<void> }

function event(sessionId: string, seq: number, type: string, data: Record<string, unknown>, ts = START + seq * 100): TapedeckEvent {
  return { v: 1, id: `e_${sessionId}_${seq}`, sessionId, seq, ts, t: seq * 100, tab: 't_1', type, data } as TapedeckEvent
}

async function upload(events: TapedeckEvent[], headers: Record<string, string> = {}): Promise<void> {
  const first = events[0]!
  const response = await fetch(`${server.url}/v1/batches`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-ndjson',
      'Content-Encoding': 'gzip',
      Authorization: 'Bearer ingest-1',
      'Idempotency-Key': `k_${first.sessionId}`,
      'Tapedeck-Session': first.sessionId,
      'Tapedeck-Seq': `${first.seq}-${events.at(-1)!.seq}`,
      ...headers,
    },
    body: gzipSync(strToU8(events.map((e) => JSON.stringify(e)).join('\n') + '\n')),
  })
  expect(response.status).toBe(201)
}

const page = [
  event('s_page', 0, 'session.started', { userId: 'u_1', feature: 'chat' }),
  event('s_page', 1, 'message.created', { messageId: 'm1', role: 'user', content: 'hello' }),
  event('s_page', 2, 'message.created', { messageId: 'm2', role: 'assistant', content: 'hi' }),
]
// The page's backend, as @tapedeck/node writes it (docs/protocol.md §7): its own seqs, between the page's events in time.
const backend = [
  event('srv_1', 0, 'session.started', { parent: 's_page', stream: 'server' }, START + 50),
  event('srv_1', 1, 'provider.call.completed', { callId: 'c1', model: 'mock', provider: 'mock' }, START + 150),
]

beforeAll(async () => {
  const handler = createHandler({ store: createMemoryStore(), ingestKeys: ['ingest-1'], readKeys: ['read-1'], reviewKeys: ['review-1'], adminKeys: ['admin-1'], log: false })
  server = await serve({ handler, port: 0, host: '127.0.0.1' })
  await upload(page)
  await upload(backend, { 'Tapedeck-Parent': 's_page' })
})

afterAll(() => server?.close())

describe('createReadClient against the reference server', () => {
  it('reads statistics: one grouping as its answer, a list of groupings as one request with an answer each', async () => {
    const asked: string[] = []
    const client = createReadClient({ endpoint: server.url, token: 'read-1', fetch: (url, init) => (asked.push(url.slice(server.url.length)), fetch(url, init)) })
    const range = { from: START - 1000, to: START + 86_400_000, feature: '' }
    const byUser = await client.stats({ ...range, groupBy: 'userId' })
    // The backend's stream is a session of its own, without a user or a feature.
    expect([byUser.groupBy, byUser.groups.map((g) => [g.key, g.sessions])]).toEqual(['userId', [['u_1', 1], [null, 1]]])
    const both = await client.stats({ ...range, groupBy: ['userId', 'feature'] })
    expect(both.map((answer) => [answer.groupBy, answer.groups.map((g) => g.key)])).toEqual([
      ['userId', ['u_1', null]],
      ['feature', ['chat', null]],
    ])
    expect(both[0]).toEqual(byUser)
    expect((await client.stats({ ...range, groupBy: ['userId'] })).map((answer) => answer.groupBy)).toEqual(['userId'])
    expect(asked.map((path) => decodeURIComponent(path).replace(/from=\d+&to=\d+&/, ''))).toEqual([
      '/v1/stats?groupBy=userId',
      '/v1/stats?groupBy=userId,feature',
      '/v1/stats?groupBy=userId',
    ])
  })

  it('lists, reads a session and its events with the key as a bearer, asked for once per request', async () => {
    let asked = 0
    const client = createReadClient({ endpoint: `${server.url}//`, token: async () => (asked++, 'read-1') })
    expect(client.endpoint).toBe(server.url)
    const list = await client.listSessions({ feature: 'chat', userId: '', cursor: undefined })
    expect(list.sessions.map((s) => s.id)).toEqual(['s_page'])
    expect((await client.getSession('s_page')).metadata).toMatchObject({ userId: 'u_1' })
    expect(await client.events('s_page')).toEqual(page)
    expect((await client.events('s_page', { fromSeq: 2 })).map((e) => e.seq)).toEqual([2])
    expect(await client.annotations('s_page')).toEqual([])
    expect(await (await client.exportSession('s_page', 'jsonl')).text()).toContain('"messageId":"m2"')
    expect(asked).toBe(6)
  })

  it("streams: 'linked' reads the backend's linked stream on the page's timeline", async () => {
    const client = createReadClient({ endpoint: server.url, token: 'read-1' })
    const timeline = await client.events('s_page', { streams: 'linked' })
    expect(timeline.map((e) => `${e.sessionId}:${e.seq}`)).toEqual(['s_page:0', 'srv_1:0', 's_page:1', 'srv_1:1', 's_page:2'])
  })

  it('a refusal is a ReadApiError with the HTTP status and the server code', async () => {
    const refused = async (call: Promise<unknown>) => {
      const error = await call.then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(ReadApiError)
      const { status, code } = error as ReadApiError
      return [status, code]
    }
    expect(await refused(createReadClient({ endpoint: server.url }).getSession('s_page'))).toEqual([401, 'unauthorized'])
    expect(await refused(createReadClient({ endpoint: server.url, token: 'read-1' }).getSession('s_missing'))).toEqual([404, 'session_not_found'])
    expect(await refused(createReadClient({ endpoint: server.url, token: 'read-1' }).deleteSession('s_page'))).toEqual([403, 'forbidden'])
    expect(await refused(createReadClient({ endpoint: server.url, token: 'read-1' }).listSessions({ limit: 'many' }))).toEqual([400, 'invalid_query'])
    // Nothing listening: status 0, `network_error`, the cause kept.
    const unreachable = (await createReadClient({ endpoint: 'http://127.0.0.1:9' }).getSession('s_page').catch((e: unknown) => e)) as ReadApiError
    expect([unreachable.status, unreachable.code, unreachable.cause]).toEqual([0, 'network_error', expect.any(Error)])
  })

  it("an answer that is not the server's JSON keeps its status as the code; a cancelled request rejects as the AbortError", async () => {
    const proxy = createReadClient({ endpoint: 'https://rec.example', fetch: async () => new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }) })
    await expect(proxy.getSession('s_1')).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'The server answered 502 Bad Gateway: <h1>Bad gateway</h1>', url: 'https://rec.example/v1/sessions/s_1' })
    const controller = new AbortController()
    controller.abort()
    await expect(createReadClient({ endpoint: server.url, token: 'read-1' }).events('s_page', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('sends a JSON body as JSON, with the headers given and the key', async () => {
    const review = createReadClient({ endpoint: server.url, token: 'review-1', headers: { 'X-Trace': 'on' } })
    const { annotation } = await review.json<{ annotation: { id: string; text: string } }>('/v1/sessions/s_page/annotations', { method: 'POST', body: { kind: 'comment', author: 'Ada', text: 'fine' } })
    expect(annotation.text).toBe('fine')
    expect((await review.annotations('s_page')).map((a) => a.id)).toEqual([annotation.id])
    const admin = createReadClient({ endpoint: server.url, token: () => 'admin-1' })
    await admin.deleteSession('s_page')
    await expect(admin.getSession('s_page')).rejects.toMatchObject({ status: 404, code: 'session_not_found' })
  })
})

import { strFromU8, unzipSync } from 'fflate'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WireEvent } from '../store/SessionStore.js'
import type { SessionDetail } from '@tapedeck/core'
import { event, recordSession, shuffle } from '../testing/events.js'
import { errorCode, postBatch, startServer, type TestServer } from '../testing/startServer.js'

const S = 's_report'

/** A session with calls, a tool error, hostile text and an audio part. */
function callSession(): WireEvent[] {
  return [
    event(S, 0, 'session.started', { userId: 'ada@example.com', feature: 'voice' }),
    event(S, 1, 'message.created', { role: 'user', content: '<script>alert("x")</script> & "quotes", commas' }),
    event(S, 2, 'provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o-mini' }),
    event(S, 3, 'provider.call.completed', { callId: 'c1', model: 'gpt-4o-mini', usage: { inputTokens: 15, outputTokens: 25 }, costUsd: 0.0008, latencyMs: 1200, ttftMs: 310, finishReason: 'stop' }),
    event(S, 4, 'provider.call.started', { callId: 'c2', provider: 'anthropic', model: '=HYPERLINK("http://x")' }),
    event(S, 5, 'provider.call.failed', { callId: 'c2', error: { name: 'APIError', message: 'rate limited, "try later"', status: 429 }, latencyMs: 80 }),
    event(S, 6, 'tool.call.completed', { toolCallId: 't1', name: 'search', error: 'timeout' }),
    event(S, 7, 'provider.call.started', { callId: 'c3', provider: 'openai', model: 'gpt-4o' }),
    event(S, 8, 'audio.output', { blobId: 'a_1', part: '0', mimeType: 'audio/webm' }),
    event(S, 9, 'session.ended', { lastSeq: 9 }),
  ]
}

describe('reading back', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startServer()
  })
  afterEach(async () => {
    await server.close()
  })

  const get = (path: string) => fetch(`${server.url}${path}`)
  const detailOf = async (id: string) => (await (await get(`/v1/sessions/${id}`)).json()) as SessionDetail

  it('describes a session: metadata, status, completeness and statistics', async () => {
    const events = callSession()
    await postBatch(server.url, events)
    expect(await detailOf(S)).toEqual({
      id: S,
      status: 'ended',
      metadata: { userId: 'ada@example.com', feature: 'voice' },
      startedAt: events[0]!.ts,
      endedAt: events[9]!.ts,
      completeness: { complete: true, lastSeq: 9, gaps: [] },
      stats: {
        events: 10,
        durationMs: 900,
        costUsd: 0.0008,
        inputTokens: 15,
        outputTokens: 25,
        calls: 2,
        errors: 2,
        models: ['gpt-4o-mini', '=HYPERLINK("http://x")', 'gpt-4o'],
        audioMs: 0,
      },
      hold: null,
    })
    const missing = await get('/v1/sessions/s_nope')
    expect([missing.status, await errorCode(missing)]).toEqual([404, 'session_not_found'])
  })

  it('reports gaps as ranges until the missing batches arrive', async () => {
    const { batches } = recordSession('s_gaps', 40)
    await postBatch(server.url, batches[0]!)
    await postBatch(server.url, batches[3]!)
    expect((await detailOf('s_gaps')).completeness).toEqual({ complete: false, lastSeq: 39, gaps: [{ from: 10, to: 29 }] })
    await postBatch(server.url, batches[2]!)
    await postBatch(server.url, batches[1]!)
    expect((await detailOf('s_gaps')).completeness).toEqual({ complete: true, lastSeq: 39, gaps: [] })
  })

  it('lists sessions with filters and a cursor, and refuses a bad query', async () => {
    for (let i = 0; i < 5; i++) {
      const { events } = recordSession(`s_${i}`, 2, { userId: i < 3 ? 'u_a' : 'u_b', ended: i !== 4, startedAt: 1_700_000_000_000 + i })
      await postBatch(server.url, events)
    }
    type Page = { sessions: SessionDetail[]; nextCursor: string | null }
    const page = async (query: string) => (await (await get(`/v1/sessions?${query}`)).json()) as Page
    const first = await page('userId=u_a&limit=2')
    expect(first.sessions.map((s) => s.id)).toEqual(['s_2', 's_1'])
    const second = await page(`userId=u_a&limit=2&cursor=${first.nextCursor}`)
    expect([second.sessions.map((s) => s.id), second.nextCursor]).toEqual([['s_0'], null])
    expect((await page('status=active')).sessions.map((s) => s.id)).toEqual(['s_4'])
    expect((await page('from=1700000000001&to=1700000000003')).sessions.map((s) => s.id)).toEqual(['s_2', 's_1'])
    expect((await page(`to=${encodeURIComponent(new Date(1_700_000_000_002).toISOString())}`)).sessions.map((s) => s.id)).toEqual(['s_1', 's_0'])
    for (const query of ['limit=0', 'limit=501', 'limit=ten', 'status=done', 'from=yesterday', 'cursor=%%%', 'cursor=bm90LWEtY3Vyc29y']) {
      const response = await get(`/v1/sessions?${query}`)
      expect([query, response.status, await errorCode(response)]).toEqual([query, 400, 'invalid_query'])
    }
  })

  it('streams events as NDJSON in seq order, from a seq on', async () => {
    const { events, batches } = recordSession('s_long', 20_000, { batchSize: 500 })
    for (const batch of shuffle(batches, 5)) expect((await postBatch(server.url, batch)).status).toBe(201)
    const response = await get('/v1/sessions/s_long/events')
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/)
    const lines = (await response.text()).trimEnd().split('\n')
    expect(lines).toHaveLength(20_000)
    expect(lines.map((line) => JSON.parse(line))).toEqual(events)
    const tail = (await (await get('/v1/sessions/s_long/events?fromSeq=19998')).text()).trimEnd().split('\n')
    expect(tail.map((line) => JSON.parse(line).seq)).toEqual([19_998, 19_999])
    expect((await get('/v1/sessions/s_long/events?fromSeq=-1')).status).toBe(400)
    expect((await get('/v1/sessions/s_nope/events')).status).toBe(404)
  })

  it('exports jsonl, zip, csv and html that parse back', async () => {
    const events = callSession()
    await postBatch(server.url, events)
    const audio = new Uint8Array([26, 69, 223, 163, 1, 2, 3])
    await fetch(`${server.url}/v1/sessions/${S}/blobs/a_1/0`, { method: 'PUT', headers: { 'Content-Type': 'audio/webm' }, body: audio })
    const exported = async (format: string) => {
      const response = await get(`/v1/sessions/${S}/export?format=${format}`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="tapedeck-${S}.${format}"`)
      return response
    }

    const jsonl = await (await exported('jsonl')).text()
    expect(jsonl.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(events)

    const zip = unzipSync(new Uint8Array(await (await exported('zip')).arrayBuffer()))
    expect(Object.keys(zip).sort()).toEqual(['blobs/a_1/0', 'events.jsonl', 'metadata.json', 'review-annotations.json'])
    expect(strFromU8(zip['events.jsonl']!)).toBe(jsonl)
    expect(zip['blobs/a_1/0']).toEqual(audio)
    const metadata = JSON.parse(strFromU8(zip['metadata.json']!))
    expect(metadata).toMatchObject({ id: S, stats: { calls: 2 }, blobs: [{ blobId: 'a_1', part: '0', contentType: 'audio/webm', size: 7, path: 'blobs/a_1/0' }] })

    const csv = (await (await exported('csv')).text()).split('\r\n')
    expect(csv[0]).toBe('seq,ts,callId,provider,model,status,inputTokens,outputTokens,costUsd,latencyMs,ttftMs,finishReason,error')
    expect(csv[1]).toBe(`3,${events[3]!.ts},c1,openai,gpt-4o-mini,completed,15,25,0.0008,1200,310,stop,`)
    expect(csv[2]).toBe(`5,${events[5]!.ts},c2,anthropic,"'=HYPERLINK(""http://x"")",failed,,,,80,,,"rate limited, ""try later"""`)
    expect(csv[3]).toBe(`7,${events[7]!.ts},c3,openai,gpt-4o,unfinished,,,,,,,`)
    expect(csv.slice(4)).toEqual([''])

    const htmlResponse = await exported('html')
    expect(htmlResponse.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(htmlResponse.headers.get('content-security-policy')).toMatch(/sandbox/)
    const html = await htmlResponse.text()
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;')
    expect(html).toContain('<h1>Session s_report</h1>')

    const unknown = await get(`/v1/sessions/${S}/export?format=pdf`)
    expect([unknown.status, await errorCode(unknown)]).toEqual([400, 'invalid_query'])
  })

  it('erases a session with its blobs, then answers 404', async () => {
    await postBatch(server.url, callSession())
    await fetch(`${server.url}/v1/sessions/${S}/blobs/a_1/0`, { method: 'PUT', body: 'x' })
    await postBatch(server.url, recordSession('s_other', 2).events)
    const erased = await fetch(`${server.url}/v1/sessions/${S}`, { method: 'DELETE' })
    expect([erased.status, await erased.json()]).toEqual([200, { deleted: [S] }])
    expect((await get(`/v1/sessions/${S}`)).status).toBe(404)
    expect((await get(`/v1/sessions/${S}/blobs/a_1/0`)).status).toBe(404)
    expect((await fetch(`${server.url}/v1/sessions/${S}`, { method: 'DELETE' })).status).toBe(404)
    expect((await get('/v1/sessions/s_other')).status).toBe(200)
  })

  it('erases every session of a user, whose id may hold any character', async () => {
    await postBatch(server.url, recordSession('s_1', 2, { userId: 'ada+test@example.com/1' }).events)
    await postBatch(server.url, recordSession('s_2', 2, { userId: 'ada+test@example.com/1' }).events)
    await postBatch(server.url, recordSession('s_3', 2, { userId: 'bob' }).events)
    // An encoded slash in a path means two things (docs/server.md): such an id goes in the query.
    const inPath = await fetch(`${server.url}/v1/users/${encodeURIComponent('ada+test@example.com/1')}`, { method: 'DELETE' })
    expect([inPath.status, await errorCode(inPath)]).toEqual([400, 'invalid_path'])
    const erased = await fetch(`${server.url}/v1/users?userId=${encodeURIComponent('ada+test@example.com/1')}`, { method: 'DELETE' })
    expect(erased.status).toBe(200)
    const body = (await erased.json()) as { deleted: string[]; held: string[] }
    expect([body.deleted.sort(), body.held]).toEqual([['s_1', 's_2'], []])
    const left = (await (await get('/v1/sessions')).json()) as { sessions: SessionDetail[] }
    expect(left.sessions.map((s) => s.id)).toEqual(['s_3'])
    const control = await fetch(`${server.url}/v1/users/a%0Ab`, { method: 'DELETE' })
    expect([control.status, await errorCode(control)]).toEqual([400, 'invalid_id'])
    for (const query of ['', '?userId=', '?userId=a%0Ab', '?userId=a&userId=b']) {
      const refused = await fetch(`${server.url}/v1/users${query}`, { method: 'DELETE' })
      expect([query, refused.status]).toEqual([query, 400])
    }
  })
})

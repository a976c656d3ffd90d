import { gzipSync, strToU8 } from 'fflate'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { TapedeckEvent } from '@tapedeck/core'
import { createHandler, createMemoryStore, serve, type RunningServer } from '@tapedeck/server'
import { makeEvents } from '../../test/events'
import { loadLinkedStreams } from './loadLinkedStreams'
import { loadRecording } from './loadRecording'

// A page's session and two streams its backend linked to it (docs/protocol.md §7), between its events in time.
const page = makeEvents('s_page', [[0, 'session.started', { userId: 'u1' }], [100, 'message.created', { messageId: 'm1', role: 'user', content: 'hi' }], [400, 'session.ended', { lastSeq: 2, reason: 'done' }]])
const api = makeEvents('srv_api', [[50, 'session.started', { parent: 's_page', stream: 'server' }], [150, 'provider.call.completed', { callId: 'c1', model: 'mock', provider: 'mock' }], [300, 'session.ended', { lastSeq: 2, reason: 'idle' }]])
const worker = makeEvents('srv_worker', [[200, 'session.started', { parent: 's_page', stream: 'server' }]])
let server: RunningServer

async function post(events: TapedeckEvent[], headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(`${server.url}/v1/batches`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-ndjson',
      'Content-Encoding': 'gzip',
      'Idempotency-Key': `k_${events[0]!.sessionId}`,
      'Tapedeck-Session': events[0]!.sessionId,
      'Tapedeck-Seq': `0-${events.length - 1}`,
      Authorization: 'Bearer ingest-1',
      ...headers,
    },
    body: gzipSync(strToU8(events.map((e) => JSON.stringify(e)).join('\n') + '\n')),
  })
  expect(response.status).toBe(201)
}

beforeAll(async () => {
  server = await serve({ handler: createHandler({ store: createMemoryStore(), ingestKeys: ['ingest-1'], readKeys: ['read-1'], log: false }), port: 0, host: '127.0.0.1' })
  await post(page)
  await post(api, { 'Tapedeck-Parent': 's_page' })
  await post(worker, { 'Tapedeck-Parent': 's_page' })
  await post(makeEvents('s_alone', [[0, 'session.started']]))
})
afterAll(() => server?.close())

describe('loadLinkedStreams from the reference server', () => {
  test("each linked stream as a recording of its own, in timeline order; the page's own session is loadRecording's", async () => {
    const source = { endpoint: server.url, sessionId: 's_page', token: 'read-1' }
    const streams = await loadLinkedStreams(source)
    expect(streams.map((s) => [s.sessionId, s.events.length, s.complete, s.source])).toEqual([
      ['srv_api', 3, true, 'server'],
      ['srv_worker', 1, false, 'server'],
    ])
    expect(streams[0]!.events).toEqual(api)
    expect(streams[0]!.metadata).toEqual({ parent: 's_page', stream: 'server' })
    expect((await loadRecording(source)).events).toEqual(page)
  })

  test('a session nothing is linked to has none; an unknown session or a missing key throws as loadRecording does', async () => {
    expect(await loadLinkedStreams({ endpoint: server.url, sessionId: 's_alone', token: 'read-1' })).toEqual([])
    await expect(loadLinkedStreams({ endpoint: server.url, sessionId: 's_missing', token: 'read-1' })).rejects.toMatchObject({ code: 'session_not_found' })
    await expect(loadLinkedStreams({ endpoint: server.url, sessionId: 's_page' })).rejects.toMatchObject({ code: 'load_failed', message: expect.stringContaining('401') })
  })
})

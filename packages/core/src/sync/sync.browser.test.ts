import { Gunzip } from 'fflate'
import { afterEach, describe, expect, inject, test, vi } from 'vitest'
import { closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { newProxy, serverEvents, serverSession } from '../../test/sync'
import type { RecorderOptions } from '../client/types'
import type { SyncBatch } from './Transport'

afterEach(closeAll)

const FAST: RecorderOptions = { retry: { baseMs: 20, capMs: 200 }, syncDelayMs: 0, syncIntervalMs: 1000 }

async function recordSession(recorder: ReturnType<typeof recorderFor>, events: number, sessionId?: string) {
  const { id } = await recorder.start(sessionId ? { sessionId } : {})
  for (let i = 0; i < events; i++) recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: `message ${i}` })
  await recorder.stop()
  return id
}

function expectExactlyOnce(events: Array<{ seq: number }>, count: number) {
  expect(events.map((e) => e.seq)).toEqual([...Array(count).keys()])
}

describe('sync to a backend (docs/protocol.md §2)', () => {
  test('uploads every event once, as stored gzip, with the protocol headers and a token from getToken', async () => {
    const proxy = await newProxy()
    const getToken = vi.fn(async () => 'token-1')
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url, getToken, maxBatchEvents: 100 })
    const id = await recordSession(recorder, 1000)
    const status = await recorder.syncNow()
    expect(status).toMatchObject({ role: 'leader', state: 'idle', pendingEvents: 0, deadLetters: 0, error: null })
    expect(status!.acked[id]).toBe(1001)
    expectExactlyOnce(await serverEvents(id), 1002)
    expect(await serverSession(id)).toMatchObject({ status: 'ended', completeness: { complete: true, lastSeq: 1001, gaps: [] } })
    expect((await recorder.sessions.get(id))!.syncedSeq).toBe(1001)

    const requests = await proxy.requests()
    expect(requests.length).toBeGreaterThan(0)
    for (const request of requests) {
      expect(request).toMatchObject({ method: 'POST', path: '/v1/batches', session: id, authorization: 'Bearer token-1' })
      expect(request.key).toBe(`${id}.${request.seq!.replace('-', '-')}`)
      expect(request.seq).toMatch(/^\d+-\d+$/)
    }
    expect(getToken).toHaveBeenCalledTimes(1)
  })

  test('5xx answers and dropped connections are retried with backoff until stored', async () => {
    const proxy = await newProxy({ queue: [{ status: 500 }, 'drop', { status: 503 }, { status: 408 }] })
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url })
    const id = await recordSession(recorder, 50)
    await waitFor(() => recorder.getSnapshot().sync, (sync) => sync?.pendingEvents === 0 && sync.state === 'idle', 10_000)
    expectExactlyOnce(await serverEvents(id), 52)
    const actions = (await proxy.requests()).map((r) => r.action)
    expect(actions.slice(0, 5)).toEqual(['status 500', 'drop', 'status 503', 'status 408', 'pass'])
    // Each failed attempt is reported. (Chromium itself resends a request whose reused
    // connection was reset or answered 408, so the browser may see fewer failures than the proxy made.)
    const errors = recorder.getSnapshot().errors.filter((e) => e.code === 'sync_failed')
    expect(errors[0]!.message).toMatch(/^Upload failed \(500: injected 500\)/)
    expect(errors.length).toBeGreaterThanOrEqual(2)
  })

  test('429 waits for Retry-After before the next attempt', async () => {
    const proxy = await newProxy({ queue: [{ status: 429, retryAfter: '1' }] })
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url })
    const id = await recordSession(recorder, 10)
    await waitFor(() => serverEvents(id), (events) => events.length === 12, 10_000)
    const [refused, accepted] = await proxy.requests()
    expect(refused!.action).toBe('status 429')
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(950)
  })

  test.each([400, 415, 422])('%i: the batch becomes a dead letter with the answer; retry puts it back, discard deletes it', async (status) => {
    const proxy = await newProxy({ queue: [{ status, body: 'line 3: not JSON' }] })
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url, sync: 'manual' })
    const id = await recordSession(recorder, 10)
    const after = await recorder.syncNow()
    const dead = await recorder.deadLetters.list()
    expect(after).toMatchObject({ deadLetters: dead.length, deadEvents: 12, pendingEvents: 0 })
    expect(after!.error).toMatchObject({ code: 'batch_rejected' })
    expect(dead.length).toBeGreaterThan(0)
    for (const chunk of dead) expect(chunk).toMatchObject({ sessionId: id, state: 'dead', lastError: `${status}: line 3: not JSON` })
    expect(await serverEvents(id)).toEqual([])

    expect(await recorder.deadLetters.retry()).toBe(dead.length)
    expect(await recorder.syncNow()).toMatchObject({ deadLetters: 0, pendingEvents: 0 })
    expectExactlyOnce(await serverEvents(id), 12)

    await proxy.setPlan({ fallback: { status } })
    const second = await recordSession(recorder, 3)
    const buried = (await recorder.syncNow())!.deadLetters
    expect(buried).toBeGreaterThan(0)
    expect(await recorder.deadLetters.discard(second)).toBe(buried)
    expect(await recorder.deadLetters.list()).toEqual([])
    expect(recorder.getSnapshot().sync!.deadLetters).toBe(0)
  })

  test('retrying dead letters uploads them at once, even while sync waits out a backoff', async () => {
    // The first upload is refused for good; the next one is told to come back in two minutes.
    const proxy = await newProxy({ queue: [{ status: 422, body: 'no' }, { status: 503, retryAfter: '120' }] })
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url })
    const refused = await recordSession(recorder, 3)
    await waitFor(() => recorder.deadLetters.list(), (dead) => dead.length > 0)
    await recordSession(recorder, 3)
    await waitFor(() => recorder.getSnapshot().sync, (sync) => sync?.state === 'backoff' && (sync.nextAttemptAt ?? 0) > Date.now() + 60_000)

    await recorder.deadLetters.retry()
    // No syncNow(): the retry itself uploads, past the backoff (the other session may go along).
    await waitFor(() => serverEvents(refused), (events) => events.length === 5, 5000)
    expectExactlyOnce(await serverEvents(refused), 5)
  })

  test('401/403: keeps the data, pauses, asks getToken again and goes on with the new token', async () => {
    const proxy = await newProxy({ tokens: ['fresh'] })
    let token = 'stale'
    const getToken = vi.fn(async () => token)
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url, getToken })
    const id = await recordSession(recorder, 20)
    await waitFor(() => recorder.getSnapshot().sync, (sync) => sync?.needsToken === true)
    expect(recorder.getSnapshot().sync).toMatchObject({ state: 'unauthorized', pendingEvents: 22 })
    expect(recorder.getSnapshot().error?.code).toBe('sync_unauthorized')
    token = 'fresh'
    await waitFor(() => serverEvents(id), (events) => events.length === 22, 10_000)
    expect(getToken.mock.calls.length).toBeGreaterThanOrEqual(2)
    const auths = (await proxy.requests()).map((r) => r.authorization)
    expect(auths[0]).toBe('Bearer stale')
    expect(auths.at(-1)).toBe('Bearer fresh')
  })

  test('413: a batch is split along chunk boundaries; one chunk still too large is a dead letter', async () => {
    const proxy = await newProxy({ queue: [{ status: 413 }] })
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url, sync: 'manual', maxBatchEvents: 10 })
    const id = await recordSession(recorder, 100)
    await recorder.syncNow()
    expectExactlyOnce(await serverEvents(id), 102)
    const requests = await proxy.requests()
    const [first, ...rest] = requests
    expect(first!.action).toBe('status 413')
    const [from, to] = first!.seq!.split('-').map(Number)
    expect(from).toBe(0)
    expect(to).toBe(101)
    // The retry covers fewer events, still starting at 0 and ending at a chunk boundary.
    expect(rest[0]!.seq!.startsWith('0-')).toBe(true)
    expect(Number(rest[0]!.seq!.split('-')[1])).toBeLessThan(101)

    await proxy.setPlan({ fallback: { status: 413 } })
    const single = await recordSession(recorder, 0)
    const status = await recorder.syncNow()
    expect(status!.deadLetters).toBeGreaterThan(0)
    expect((await recorder.deadLetters.list()).some((c) => c.sessionId === single && /413/.test(c.lastError ?? ''))).toBe(true)
  })

  test('409 counts as stored', async () => {
    const proxy = await newProxy({ queue: [{ status: 409 }] })
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url, sync: 'manual' })
    const id = await recordSession(recorder, 5)
    expect(await recorder.syncNow()).toMatchObject({ pendingEvents: 0, deadLetters: 0 })
    expect((await recorder.sessions.get(id))!.syncedSeq).toBe(6)
  })

  test('a response lost after the server stored the batch: sent again under the same key, stored once', async () => {
    const proxy = await newProxy({ queue: ['lose-response'] })
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url })
    const id = await recordSession(recorder, 30)
    await waitFor(() => recorder.getSnapshot().sync, (sync) => sync?.pendingEvents === 0 && sync.state === 'idle', 10_000)
    const [lost, again] = await proxy.requests()
    expect(lost!.action).toBe('lose-response')
    expect(again!.key).toBe(lost!.key)
    expectExactlyOnce(await serverEvents(id), 32)
  })

  test('random faults across several sessions: the server ends with every event exactly once, gapless', async () => {
    const proxy = await newProxy({ random: { seed: 7, drop: 0.15, loseResponse: 0.15, error5xx: 0.2, tooMany: 0.1, slow: 0.1, slowMs: 50 } })
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url, maxBatchEvents: 20, maxBatchBytes: 2048 })
    const ids: string[] = []
    for (let s = 0; s < 4; s++) ids.push(await recordSession(recorder, 150))
    await waitFor(() => recorder.getSnapshot().sync, (sync) => sync?.pendingEvents === 0 && sync.state === 'idle', 20_000)
    for (const id of ids) expectExactlyOnce(await serverEvents(id), 152)
    const actions = new Set((await proxy.requests()).map((r) => r.action.split(' ')[0]))
    expect(actions).toEqual(new Set(['pass', 'drop', 'lose-response', 'status', 'delay']))
  })

  test("manual mode uploads nothing until syncNow()", async () => {
    const proxy = await newProxy()
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url, sync: 'manual' })
    const id = await recordSession(recorder, 5)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await proxy.requests()).toEqual([])
    expect(recorder.getSnapshot().sync!.pendingEvents).toBe(7)
    await recorder.syncNow()
    expectExactlyOnce(await serverEvents(id), 7)
  })

  test('backoff survives a reload: a new recorder waits for the next attempt time', async () => {
    const dbName = uniqueDb()
    const proxy = await newProxy({ fallback: { status: 503, retryAfter: '30' } })
    const first = recorderFor(dbName, { endpoint: proxy.url, syncDelayMs: 0 })
    await recordSession(first, 3)
    await waitFor(() => first.getSnapshot().sync, (sync) => sync?.state === 'backoff')
    const nextAttemptAt = first.getSnapshot().sync!.nextAttemptAt!
    await first.close()
    const seen = (await proxy.requests()).length

    const second = recorderFor(dbName, { endpoint: proxy.url, syncDelayMs: 0 })
    second.mount() // no session: started for its uploads alone
    await waitFor(() => second.getSnapshot().sync, (sync) => sync?.role === 'leader' && sync.state === 'backoff')
    expect(second.getSnapshot().sync!.nextAttemptAt).toBe(nextAttemptAt)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await proxy.requests()).length).toBe(seen)
  })

  test('one uploader among recorders on one database; when it closes, another takes over', async () => {
    const dbName = uniqueDb()
    const proxy = await newProxy({ fallback: { delayMs: 20 } })
    const a = recorderFor(dbName, { ...FAST, endpoint: proxy.url })
    a.mount() // no session: started for its uploads alone
    await waitFor(() => a.getSnapshot().sync, (sync) => sync?.role === 'leader')
    const b = recorderFor(dbName, { ...FAST, endpoint: proxy.url })
    await b.ready()
    expect(b.getSnapshot().sync!.role).toBe('follower')
    const fromB = await recordSession(b, 40)
    await waitFor(() => serverEvents(fromB), (events) => events.length === 42, 10_000)
    // The follower hears the leader's progress.
    await waitFor(() => b.getSnapshot().sync, (sync) => sync?.pendingEvents === 0)

    await a.close()
    await waitFor(() => b.getSnapshot().sync, (sync) => sync?.role === 'leader')
    const later = await recordSession(b, 10)
    await waitFor(() => serverEvents(later), (events) => events.length === 12, 10_000)
    const keys = (await proxy.requests()).map((r) => r.key)
    expect(new Set(keys).size).toBe(keys.length)
  })

  test("transport: 'otlp' exports provider calls as OpenTelemetry GenAI spans", async () => {
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: inject('otlpSink'), transport: 'otlp', sync: 'manual' })
    const { id } = await recorder.start({ userId: 'u1' })
    recorder.record('provider.call.completed', {
      callId: 'c1',
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 15, outputTokens: 25 },
      costUsd: 0.0008,
      latencyMs: 1200,
      ttftMs: 310,
      finishReason: 'stop',
    })
    await recorder.stop()
    expect(await recorder.syncNow()).toMatchObject({ pendingEvents: 0, error: null })
    const received = (await (await fetch(inject('otlpSink'))).json()) as Array<{ path: string; body: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }> }> }> } }>
    // Spans first; the GenAI metrics follow once the spans were accepted (docs/otlp.md).
    expect(received.map((r) => r.path)).toEqual(['/v1/traces', '/v1/metrics'])
    const spans = received.filter((r) => r.path === '/v1/traces').flatMap((r) => r.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)))
    const call = spans.find((span) => span.name === 'chat gpt-4o-mini')!
    const attribute = (key: string) => call.attributes.find((a) => a.key === key)?.value
    expect(attribute('gen_ai.request.model')).toEqual({ stringValue: 'gpt-4o-mini' })
    expect(attribute('gen_ai.usage.input_tokens')).toEqual({ intValue: '15' })
    expect(attribute('gen_ai.conversation.id')).toEqual({ stringValue: id })
    expect(spans.some((span) => span.name.startsWith('session'))).toBe(true)
  })

  test("transport: 'otlp' takes the exporter's options from createRecorder: resource, includeContent, metrics", async () => {
    const sink = inject('otlpSink')
    const before = ((await (await fetch(sink)).json()) as unknown[]).length
    const recorder = recorderFor(uniqueDb(), {
      ...FAST,
      endpoint: sink,
      transport: 'otlp',
      sync: 'manual',
      otlp: { resource: { 'service.name': 'support-chat', 'deployment.environment.name': 'test' }, includeContent: true, metrics: false },
    })
    await recorder.start()
    recorder.record('provider.call.completed', { callId: 'c2', provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 3, outputTokens: 4 }, response: { content: 'it ships today' }, latencyMs: 900 })
    await recorder.stop()
    expect(await recorder.syncNow()).toMatchObject({ pendingEvents: 0, error: null })
    const received = ((await (await fetch(sink)).json()) as Array<{ path: string; body: { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> }; scopeSpans: Array<{ spans: Array<{ name: string; attributes: Array<{ key: string; value: { stringValue?: string } }> }> }> }> } }>).slice(before)
    // metrics: false — the spans only.
    expect(received.map((r) => r.path)).toEqual(['/v1/traces'])
    const [resourceSpans] = received[0]!.body.resourceSpans
    expect(resourceSpans!.resource.attributes).toEqual(
      expect.arrayContaining([
        { key: 'service.name', value: { stringValue: 'support-chat' } },
        { key: 'deployment.environment.name', value: { stringValue: 'test' } },
      ]),
    )
    const call = resourceSpans!.scopeSpans.flatMap((ss) => ss.spans).find((span) => span.name === 'chat gpt-4o-mini')!
    expect(call.attributes.find((a) => a.key === 'gen_ai.output.messages')?.value.stringValue).toContain('it ships today')
  })

  test("otlp options that cannot be sent to the worker fail at createRecorder", () => {
    expect(() => recorderFor(uniqueDb(), { endpoint: 'http://127.0.0.1:1', transport: 'otlp', otlp: { resource: { team: { name: 'x' } as never } } })).toThrow(/otlp.resource\["team"\]/)
    expect(() => recorderFor(uniqueDb(), { endpoint: 'http://127.0.0.1:1', transport: 'otlp', otlp: null as never })).toThrow(expect.objectContaining({ code: 'invalid_options' }))
  })

  test('attachments are stored durably and uploaded part by part with PUT (docs/protocol.md §3), retried like batches', async () => {
    const proxy = await newProxy({ queue: ['pass', 'pass', { status: 503 }] })
    const recorder = recorderFor(uniqueDb(), { ...FAST, endpoint: proxy.url, sync: 'manual', maxBlobBytes: 100_000 })
    const { id } = await recorder.start()
    const parts = [0, 1].map(() => crypto.getRandomValues(new Uint8Array(30_000)))
    const refs = []
    for (const [part, bytes] of parts.entries()) {
      refs.push(await recorder.attach(new Blob([bytes], { type: 'audio/webm;codecs=opus' }), { blobId: 'mic-1', part, track: 'input', startT: part * 1000, durationMs: 1000 }))
    }
    recorder.record('audio.input', { blobId: 'mic-1', part: 1, mimeType: 'audio/webm;codecs=opus', startT: 1000, durationMs: 1000, bytes: 30_000 })
    expect(refs[1]).toEqual({ sessionId: id, blobId: 'mic-1', part: 1, mimeType: 'audio/webm;codecs=opus', bytes: 30_000 })
    expect(recorder.getSnapshot().sync).toMatchObject({ pendingBlobs: 2, pendingBlobBytes: 60_000 })

    // Kept locally, byte for byte.
    const local = await recorder.sessions.blob(id, 'mic-1', 1)
    expect(local!.type).toBe('audio/webm;codecs=opus')
    expect(new Uint8Array(await local!.arrayBuffer())).toEqual(parts[1])
    expect((await recorder.sessions.blobs(id)).map((b) => [b.blobId, b.part, b.track, b.size, b.state])).toEqual([
      ['mic-1', 0, 'input', 30_000, 'pending'],
      ['mic-1', 1, 'input', 30_000, 'pending'],
    ])

    // Events go first, then the parts. syncNow() stops at the 503 on the second part; the next one sends it.
    expect(await recorder.syncNow()).toMatchObject({ pendingEvents: 0, pendingBlobs: 1, state: 'backoff' })
    expect(await recorder.syncNow()).toMatchObject({ pendingEvents: 0, pendingBlobs: 0, state: 'idle' })
    const requests = await proxy.requests()
    expect(requests.map((r) => `${r.method} ${r.path} ${r.action}`)).toEqual([
      `POST /v1/batches pass`,
      `PUT /v1/sessions/${id}/blobs/mic-1/0 pass`,
      `PUT /v1/sessions/${id}/blobs/mic-1/1 status 503`,
      `PUT /v1/sessions/${id}/blobs/mic-1/1 pass`,
    ])
    for (const [part, bytes] of parts.entries()) {
      const response = await fetch(`${inject('tapedeckServer')}/v1/sessions/${id}/blobs/mic-1/${part}`)
      expect(response.headers.get('content-type')).toBe('audio/webm;codecs=opus')
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes)
    }
    expect((await recorder.sessions.blobs(id)).every((b) => b.state === 'sent')).toBe(true)

    await expect(recorder.attach(new Uint8Array(100_001))).rejects.toMatchObject({ code: 'invalid_blob' })
    await recorder.stop()
    await expect(recorder.attach(new Uint8Array(1))).rejects.toMatchObject({ code: 'no_active_session' })
    await recorder.sessions.delete(id)
    expect(await recorder.sessions.blobs(id)).toEqual([])
  })

  test('a custom transport function gets the batches', async () => {
    const batches: SyncBatch[] = []
    const recorder = recorderFor(uniqueDb(), {
      ...FAST,
      sync: 'manual',
      transport: async (batch, { headers, signal }) => {
        expect(signal).toBeInstanceOf(AbortSignal)
        expect(headers).toEqual({ 'X-App': 'test' })
        batches.push(batch)
        return { status: 202 }
      },
      headers: { 'X-App': 'test' },
    })
    const id = await recordSession(recorder, 3)
    await recorder.syncNow()
    expect(batches).toHaveLength(1)
    // Several gzip members, one per stored chunk: a multi-member reader sees one NDJSON body.
    let body = ''
    new Gunzip((data) => (body += new TextDecoder().decode(data))).push(batches[0]!.body, true)
    expect(body.trimEnd().split('\n').map((line) => JSON.parse(line).seq)).toEqual([0, 1, 2, 3, 4])
    expect(batches[0]).toMatchObject({ sessionId: id, firstSeq: 0, lastSeq: 4, count: 5, key: `${id}.0-4` })
  })
})

import Anthropic from '@anthropic-ai/sdk'
import express from 'express'
import type { AddressInfo } from 'node:net'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../../../e2e/support/mockLlm'
import type { WireEvent } from '../../server/src/store/SessionStore'
import { recordSession } from '../../server/src/testing/events'
import { postBatch, startServer, type TestServer } from '../../server/src/testing/startServer'
import { createNodeRecorder, type NodeRecorder, type NodeRecorderOptions } from './createNodeRecorder'
import { tapedeckExpress, tapedeckExpressErrors } from './express'
import { tapedeckRoute } from './nextRoute'

const BROWSER = 's_browser_1'

let mock: MockLlm
beforeAll(async () => {
  mock = await startMockLlm()
})
afterAll(() => mock.close())

let server: TestServer
let recorder: NodeRecorder | undefined
beforeEach(async () => {
  server = await startServer()
  // The browser's own session, as its recorder would have sent it.
  expect((await postBatch(server.url, recordSession(BROWSER, 3, { ended: false }).events)).status).toBe(201)
})
afterEach(async () => {
  await recorder?.close()
  recorder = undefined
  await server.close()
})

function open(options: Partial<NodeRecorderOptions> = {}): NodeRecorder {
  recorder = createNodeRecorder({ endpoint: server.url, service: 'api', flushIntervalMs: 10, closeOnExit: false, ...options })
  return recorder
}

async function timeline(sessionId = BROWSER): Promise<WireEvent[]> {
  const response = await fetch(`${server.url}/v1/sessions/${sessionId}/events?streams=linked`)
  expect(response.status).toBe(200)
  return (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as WireEvent)
}

async function detail(sessionId: string): Promise<Record<string, any>> {
  const response = await fetch(`${server.url}/v1/sessions/${sessionId}`)
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, any>
}

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const http = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => http.once('listening', resolve))
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  }
}

describe('@tapedeck/node against the reference server', () => {
  it('Express: a request with Tapedeck-Session records its OpenAI calls as a stream linked to that session; one without records nothing', async () => {
    const tapedeck = open()
    const openai = new OpenAI({ apiKey: 'sk-test-node', baseURL: `${mock.url}/v1`, fetch: tapedeck.fetch, maxRetries: 0 })
    const app = express()
    app.use(express.json())
    app.use(tapedeckExpress(tapedeck))
    app.post('/api/ask', async (request, response) => {
      const stream = Boolean((request.body as { stream?: boolean }).stream)
      if (stream) {
        const chunks = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is order 42?' }], stream: true })
        let text = ''
        for await (const chunk of chunks) text += chunk.choices[0]?.delta?.content ?? ''
        response.json({ text })
      } else {
        const answer = await openai.responses.create({ model: 'gpt-4o-mini', input: 'Say hello to ada@example.com' })
        response.json({ text: answer.output_text })
      }
    })
    const backend = await listen(app)
    try {
      const ask = (body: object, headers: Record<string, string> = {}) =>
        fetch(`${backend.url}/api/ask`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) })
      expect((await ask({ stream: true }, { 'Tapedeck-Session': BROWSER })).status).toBe(200)
      expect((await ask({ stream: false }, { 'Tapedeck-Session': BROWSER })).status).toBe(200)
      expect((await ask({ stream: false })).status).toBe(200) // no header: not recorded
      expect((await ask({ stream: false }, { 'Tapedeck-Session': '../etc/passwd' })).status).toBe(200) // not an id: not recorded
      await tapedeck.flush()
    } finally {
      await backend.close()
    }

    expect(tapedeck.stats).toMatchObject({ streams: 1, recorded: 5, sent: 5, dropped: 0, skipped: 2 })
    const { streams } = await detail(BROWSER)
    expect(streams).toHaveLength(1)
    const events = await timeline()
    const stream = events.filter((event) => event.sessionId === streams[0])
    expect(stream.map((event) => [event.seq, event.type])).toEqual([
      [0, 'session.started'],
      [1, 'provider.call.started'],
      [2, 'provider.call.completed'],
      [3, 'provider.call.started'],
      [4, 'provider.call.completed'],
    ])
    expect(stream[0]!.data).toMatchObject({ parent: BROWSER, stream: 'server', service: 'api' })
    expect(stream.map((event) => (event.data as { api?: string }).api).filter(Boolean)).toEqual(['openai.chat', 'openai.chat', 'openai.responses', 'openai.responses'])
    expect(stream[2]!.data).toMatchObject({ model: 'gpt-4o-mini', stream: true, finishReason: 'stop' })
    expect(stream[4]!.data).toMatchObject({ model: 'gpt-4o-mini', stream: false, usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) } })
    // The default capture is metadata: no prompt or answer text leaves the server, and never the key.
    const text = JSON.stringify(stream)
    expect(text).not.toContain('Where is order 42')
    expect(text).not.toContain('ada@example.com')
    expect(text).not.toContain('sk-test-node')
    // Browser and server events on one timeline, ordered by ts.
    expect(events.filter((event) => event.sessionId === BROWSER).map((event) => event.seq)).toEqual([0, 1, 2])
    const times = events.map((event) => event.ts!)
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })

  it('Next.js route handler with the Anthropic SDK: close() ends the stream, complete and gapless', async () => {
    const tapedeck = open({ capture: 'full', redact: (data) => JSON.parse(JSON.stringify(data).replaceAll('ada@example.com', '[email]')) })
    const anthropic = new Anthropic({ apiKey: 'sk-ant-test-node', baseURL: mock.url, fetch: tapedeck.fetch, maxRetries: 0 })
    const POST = tapedeckRoute(tapedeck, async (request: Request) => {
      const { question } = (await request.json()) as { question: string }
      const message = await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 100, messages: [{ role: 'user', content: question }] })
      return Response.json({ text: message.content })
    })
    const response = await POST(new Request('http://app.test/api/chat', {
      method: 'POST',
      headers: { 'Tapedeck-Session': BROWSER, 'Content-Type': 'application/json' },
      body: JSON.stringify({ question: 'Write to ada@example.com' }),
    }))
    expect(response.status).toBe(200)
    await tapedeck.close()

    const [id] = (await detail(BROWSER)).streams as string[]
    const stream = await detail(id!)
    expect(stream).toMatchObject({ status: 'ended', completeness: { complete: true, lastSeq: 3, gaps: [] }, metadata: { parent: BROWSER, service: 'api' } })
    const events = (await timeline()).filter((event) => event.sessionId === id)
    expect(events.map((event) => event.type)).toEqual(['session.started', 'provider.call.started', 'provider.call.completed', 'session.ended'])
    expect(events[1]!.data).toMatchObject({ api: 'anthropic.messages', messages: [{ role: 'user', content: 'Write to [email]' }] })
    expect(JSON.stringify(events)).not.toContain('ada@example.com')
    expect(JSON.stringify(events)).not.toContain('sk-ant-test-node')
  })

  it('the request’s traceparent (the page’s propagate) is on each LLM call the backend records: its trace id, and its span as the parent; a call without one has none', async () => {
    const tapedeck = open()
    const openai = new OpenAI({ apiKey: 'sk-test-node', baseURL: `${mock.url}/v1`, fetch: tapedeck.fetch, maxRetries: 0 })
    const app = express()
    app.use(tapedeckExpress(tapedeck))
    app.post('/api/ask', async (_request, response) => {
      const answer = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
      response.json({ text: answer.choices[0]?.message.content })
    })
    const route = tapedeckRoute(tapedeck, async () => {
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
      return new Response('ok')
    })
    const backend = await listen(app)
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    try {
      const ask = (headers: Record<string, string>) => fetch(`${backend.url}/api/ask`, { method: 'POST', headers })
      expect((await ask({ 'Tapedeck-Session': BROWSER, traceparent: `00-${traceId}-00f067aa0ba902b7-01` })).status).toBe(200)
      expect((await ask({ 'Tapedeck-Session': BROWSER })).status).toBe(200)
      expect((await ask({ 'Tapedeck-Session': BROWSER, traceparent: 'not-a-trace' })).status).toBe(200)
      await route(new Request('http://app.test/api/route', { method: 'POST', headers: { 'Tapedeck-Session': BROWSER, traceparent: `00-${traceId}-1111111111111111-01` } }))
      await tapedeck.flush()
    } finally {
      await backend.close()
    }
    const [id] = (await detail(BROWSER)).streams as string[]
    const started = (await timeline()).filter((event) => event.sessionId === id && event.type === 'provider.call.started')
    expect(started.map((event) => [(event.data as Record<string, unknown>).traceId, (event.data as Record<string, unknown>).spanId])).toEqual([
      [traceId, '00f067aa0ba902b7'],
      [undefined, undefined],
      [undefined, undefined],
      [traceId, '1111111111111111'],
    ])
  })

  it('capture "metadata" leaves the text of the app’s own events out, as the browser’s does; "full" keeps it', async () => {
    for (const capture of ['metadata', 'full'] as const) {
      const tapedeck = open({ capture })
      tapedeck.run(BROWSER, () => tapedeck.record('x.note', { noteId: 'n1', text: 'order 42 is late', count: 3 }))
      await tapedeck.close()
    }
    const notes = (await timeline()).filter((event) => event.type === 'x.note').map((event) => event.data)
    expect(notes).toEqual([
      { noteId: 'n1', text: '[text]', count: 3 },
      { noteId: 'n1', text: 'order 42 is late', count: 3 },
    ])
  })

  it('a batch the backend answers 503 is sent again under the same key; one it refuses is dropped and reported', async () => {
    const keys: string[] = []
    let failures = 1
    const flaky = async (input: RequestInfo | URL, init?: RequestInit) => {
      keys.push(new Headers(init?.headers).get('idempotency-key')!)
      if (failures-- > 0) return new Response('busy', { status: 503, headers: { 'Retry-After': '0' } })
      return fetch(input, init)
    }
    const errors: unknown[] = []
    const tapedeck = open({ fetch: flaky, onError: (error) => errors.push(error) })
    expect(tapedeck.run(BROWSER, () => tapedeck.record('x.step', { n: 1 }))).toBe(true)
    expect(tapedeck.record('x.step', { n: 0 })).toBe(false) // outside any session
    expect(tapedeck.run(BROWSER, () => tapedeck.record('session.ended', { lastSeq: 0 }))).toBe(false) // the recorder's own type
    await tapedeck.flush()
    expect(keys).toHaveLength(2)
    expect(keys[0]).toBe(keys[1])
    expect(tapedeck.stats).toMatchObject({ recorded: 2, sent: 2, dropped: 0, skipped: 1 })
    expect(errors.map(String)).toEqual([expect.stringMatching(/"session.ended" is not a type an app may record/)])
    errors.length = 0

    // A stream the server will not take (its id claimed by another parent): refused, reported, counted.
    const refusing = async () => new Response('{"error":{"code":"parent_mismatch"}}', { status: 422 })
    const other = createNodeRecorder({ endpoint: server.url, fetch: refusing, flushIntervalMs: 10, onError: (error) => errors.push(error) })
    other.run(BROWSER, () => other.record('x.step', { n: 2 }))
    await other.close()
    expect(other.stats).toMatchObject({ recorded: 3, sent: 0, dropped: 3 })
    expect(String(errors[0])).toMatch(/refused: 422/)
  })

  it('a streamed call records model, tokens, cost, latency and time to first token from core’s adapters and price table; an error answer is provider.call.failed', async () => {
    const tapedeck = open()
    const slow = new OpenAI({ apiKey: 'sk-test-node', baseURL: `${mock.url}/ttft=60/v1`, fetch: tapedeck.fetch, maxRetries: 0 })
    const failing = new OpenAI({ apiKey: 'sk-test-node', baseURL: `${mock.url}/status=500/v1`, fetch: tapedeck.fetch, maxRetries: 0 })
    await tapedeck.run(BROWSER, async () => {
      const chunks = await slow.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } })
      for await (const chunk of chunks) void chunk
      await expect(failing.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toThrow()
    })
    await tapedeck.flush()
    const [id] = (await detail(BROWSER)).streams as string[]
    const stream = (await timeline()).filter((event) => event.sessionId === id)
    const completed = stream.find((event) => event.type === 'provider.call.completed')!.data as Record<string, number>
    expect(completed).toMatchObject({ model: 'gpt-4o-mini', stream: true, usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) }, costUsd: expect.any(Number), costSource: expect.any(String) })
    expect(completed.costUsd).toBeGreaterThan(0)
    expect(completed.ttftMs).toBeGreaterThanOrEqual(55)
    expect(completed.latencyMs).toBeGreaterThanOrEqual(completed.ttftMs!)
    const failed = stream.find((event) => event.type === 'provider.call.failed')!
    expect(failed.data).toMatchObject({ model: 'gpt-4o-mini', error: { name: 'InternalServerError', status: 500 }, latencyMs: expect.any(Number) })
  })

  it('tool() records the call with its duration and result or error, and gives the app its own outcome; with capture "metadata" no arguments, results or error text', async () => {
    const seen = new Set<string>()
    for (const capture of ['full', 'metadata'] as const) {
      const tapedeck = open({ capture })
      const found = await tapedeck.run(BROWSER, () => tapedeck.tool('lookupOrder', { orderId: 'o_42', email: 'ada@example.com' }, async () => ({ status: 'shipped' })))
      expect(found).toEqual({ status: 'shipped' })
      const failure = tapedeck.run(BROWSER, () => tapedeck.tool('refund', { orderId: 'o_42' }, () => Promise.reject(new RangeError('amount over the limit for ada@example.com'))))
      await expect(failure).rejects.toThrow(RangeError)
      expect(await tapedeck.tool('outside', {}, () => 7)).toBe(7) // no session: only runs
      await tapedeck.close()

      const [id] = ((await detail(BROWSER)).streams as string[]).filter((stream) => !seen.has(stream))
      seen.add(id!)
      const tools = (await timeline()).filter((event) => event.sessionId === id && event.type.startsWith('tool.call.')) as Array<{ type: string; data: Record<string, unknown> }>
      expect(tools.map((event) => [event.type, (event.data as { name: string }).name])).toEqual([
        ['tool.call.started', 'lookupOrder'],
        ['tool.call.completed', 'lookupOrder'],
        ['tool.call.started', 'refund'],
        ['tool.call.completed', 'refund'],
      ])
      expect(tools[1]!.data.toolCallId).toBe(tools[0]!.data.toolCallId)
      expect(tools[1]!.data.durationMs).toEqual(expect.any(Number))
      if (capture === 'full') {
        expect(tools[0]!.data).toMatchObject({ args: { orderId: 'o_42', email: '[email]' }, executedBy: 'server' })
        expect(tools[1]!.data).toMatchObject({ result: { status: 'shipped' } })
        expect(tools[3]!.data).toMatchObject({ error: { name: 'RangeError', message: 'amount over the limit for [email]' } })
      } else {
        expect(tools[0]!.data).not.toHaveProperty('args')
        expect(tools[1]!.data).not.toHaveProperty('result')
        expect(tools[3]!.data).toMatchObject({ error: { name: 'RangeError', message: '[text]' } })
        expect(JSON.stringify(tools)).not.toContain('amount over')
      }
    }
  })

  it('errors: captureError(), a Next.js route handler that throws and an Express route that fails are error.raised in the session; the app still gets its error', async () => {
    const tapedeck = open({ capture: 'full' })
    expect(tapedeck.run(BROWSER, () => tapedeck.captureError(Object.assign(new Error('db down'), { code: 'ECONNREFUSED' }), { step: 'load' }))).toBe(true)
    expect(tapedeck.captureError(new Error('no session'))).toBe(false)

    const POST = tapedeckRoute(tapedeck, async () => {
      throw new TypeError('bad input from route')
    })
    await expect(POST(new Request('http://app.test/api/chat?q=secret', { method: 'POST', headers: { 'Tapedeck-Session': BROWSER } }))).rejects.toThrow('bad input from route')

    const app = express()
    app.use(tapedeckExpress(tapedeck))
    app.get('/api/fail', () => {
      throw new Error('express route failed')
    })
    app.use(tapedeckExpressErrors(tapedeck))
    const http = await listen(app)
    try {
      expect((await fetch(`${http.url}/api/fail`, { headers: { 'Tapedeck-Session': BROWSER } })).status).toBe(500)
    } finally {
      await http.close()
    }
    await tapedeck.flush()

    const [id] = (await detail(BROWSER)).streams as string[]
    const errors = (await timeline()).filter((event) => event.sessionId === id && event.type === 'error.raised').map((event) => event.data)
    expect(errors).toEqual([
      expect.objectContaining({ name: 'Error', message: 'db down', code: 'ECONNREFUSED', source: 'node', step: 'load', stack: expect.stringContaining('db down') }),
      expect.objectContaining({ name: 'TypeError', message: 'bad input from route', source: 'route', method: 'POST', path: '/api/chat' }),
      expect.objectContaining({ name: 'Error', message: 'express route failed', source: 'express', method: 'GET', path: '/api/fail' }),
    ])
  })
})

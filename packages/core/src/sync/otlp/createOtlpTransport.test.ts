import { gzipSync, strToU8 } from 'fflate'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import type { TapedeckEvent } from '../../events/catalogue'
import { isTapedeckError } from '../../errors'
import type { SyncBatch, TransportContext } from '../Transport'
import { createOtlpTransport, metricsUrl, tracesUrl } from './createOtlpTransport'
import { toOtlpMetrics } from './toOtlpMetrics'
import { toOtlpTraces } from './toOtlpTraces'

interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

type Reply = (response: ServerResponse) => void

/** A real collector stand-in on 127.0.0.1: records every request and answers with `reply`. */
async function startCollector(reply: Reply = (response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')) {
  const received: Received[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      reply(response)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  closers.push(close)
  return { url, received, close }
}

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

const S = 's_1'
const START = 1_763_766_000_000
const event = (seq: number, type: string, data: Record<string, unknown>): TapedeckEvent =>
  ({ v: 1, id: `e${seq}`, sessionId: S, seq, ts: START + seq * 100, t: seq * 100, tab: 't', type, data }) as TapedeckEvent

const EVENTS = [
  event(0, 'session.started', { userId: 'u_1' }),
  event(1, 'provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o-mini', params: { temperature: 0.5 } }),
  event(2, 'message.created', { messageId: 'm1', role: 'user', content: 'hello' }),
  event(3, 'provider.call.completed', { callId: 'c1', model: 'gpt-4o-mini', usage: { inputTokens: 3, outputTokens: 5 }, latencyMs: 250 }),
  event(4, 'session.ended', { lastSeq: 4 }),
]

const ndjson = (events: TapedeckEvent[]) => events.map((item) => `${JSON.stringify(item)}\n`).join('')

/** Stored chunks end to end, one gzip member each, as the sync engine sends them. */
const gzipMembers = (...chunks: string[]): Uint8Array =>
  new Uint8Array(chunks.flatMap((chunk) => [...gzipSync(strToU8(chunk))]))

function batchOf(body: Uint8Array, count = EVENTS.length): SyncBatch {
  return { sessionId: S, firstSeq: 0, lastSeq: count - 1, key: 'b_1', body, count }
}

/** The call's started event is in the first member and its completion in the last. */
const MULTI_MEMBER = batchOf(gzipMembers(ndjson(EVENTS.slice(0, 2)), ndjson(EVENTS.slice(2, 3)), ndjson(EVENTS.slice(3))))

const context = (headers: Record<string, string> = {}, signal = new AbortController().signal): TransportContext => ({ headers, signal })

describe('createOtlpTransport', () => {
  test('posts the whole multi-member batch as OTLP/JSON to {endpoint}/v1/traces', async () => {
    const collector = await startCollector()
    const transport = createOtlpTransport({ endpoint: collector.url })

    const response = await transport(MULTI_MEMBER, context())

    expect(response).toEqual({ status: 200, retryAfter: null, text: '{}' })
    expect(collector.received).toHaveLength(2) // the spans, then the GenAI metrics of the batch's calls
    const [request, metrics] = collector.received
    expect(metrics!.url).toBe('/v1/metrics')
    expect(JSON.parse(metrics!.body)).toEqual(toOtlpMetrics(EVENTS))
    expect(request!.method).toBe('POST')
    expect(request!.url).toBe('/v1/traces')
    expect(request!.headers['content-type']).toBe('application/json')
    const sent = JSON.parse(request!.body)
    expect(sent).toEqual(toOtlpTraces(EVENTS))
    // Parameters from the first member on the span of the last: every member was read.
    const spans = sent.resourceSpans[0].scopeSpans[0].spans
    expect(spans.map((span: { name: string }) => span.name)).toEqual(['chat gpt-4o-mini', 'session s_1'])
    expect(spans[0].attributes).toContainEqual({ key: 'gen_ai.request.temperature', value: { doubleValue: 0.5 } })
    expect(spans[0].events.map((item: { name: string }) => item.name)).toEqual(['message.created'])
  })

  test('passes resource and includeContent on to the mapping', async () => {
    const collector = await startCollector()
    const transport = createOtlpTransport({ endpoint: collector.url, resource: { 'service.name': 'shop' }, includeContent: true })
    await transport(MULTI_MEMBER, context())
    expect(JSON.parse(collector.received[0]!.body)).toEqual(toOtlpTraces(EVENTS, { 'service.name': 'shop' }, { includeContent: true }))
    expect(collector.received[0]!.body).toContain('tapedeck.event.data')
  })

  test('accepts the endpoint with or without /v1/traces and trailing slashes', async () => {
    expect(tracesUrl('http://localhost:4318')).toBe('http://localhost:4318/v1/traces')
    expect(tracesUrl('http://localhost:4318/')).toBe('http://localhost:4318/v1/traces')
    expect(tracesUrl('https://otel.example/v1/traces')).toBe('https://otel.example/v1/traces')
    expect(tracesUrl('https://otel.example/tenant/v1/traces/')).toBe('https://otel.example/tenant/v1/traces')

    const collector = await startCollector()
    expect(metricsUrl('https://otel.example/tenant/v1/traces/')).toBe('https://otel.example/tenant/v1/metrics')
    await createOtlpTransport({ endpoint: `${collector.url}/v1/traces/` })(MULTI_MEMBER, context())
    expect(collector.received.map((request) => request.url)).toEqual(['/v1/traces', '/v1/metrics'])
  })

  test("merges its own headers with the context's (which win), and always sends JSON", async () => {
    const collector = await startCollector()
    const transport = createOtlpTransport({
      endpoint: collector.url,
      headers: { 'x-honeycomb-team': 'key-1', Authorization: 'Bearer stale' },
    })
    await transport(MULTI_MEMBER, context({ authorization: 'Bearer fresh', 'X-Tenant': 'acme', 'content-type': 'text/plain' }))
    const { headers } = collector.received[0]!
    expect(headers['x-honeycomb-team']).toBe('key-1')
    expect(headers.authorization).toBe('Bearer fresh')
    expect(headers['x-tenant']).toBe('acme')
    expect(headers['content-type']).toBe('application/json')
  })

  test('passes the status, Retry-After and text of a refusal through to the sync engine', async () => {
    const collector = await startCollector((response) => response.writeHead(429, { 'Retry-After': '7' }).end('slow down'))
    const response = await createOtlpTransport({ endpoint: collector.url })(MULTI_MEMBER, context())
    expect(response).toEqual({ status: 429, retryAfter: '7', text: 'slow down' })
  })

  test('answers 204 without a request when the batch holds no span', async () => {
    const collector = await startCollector()
    const body = gzipMembers(ndjson([EVENTS[0]!, EVENTS[1]!, EVENTS[2]!]))
    const response = await createOtlpTransport({ endpoint: collector.url })(batchOf(body, 3), context())
    expect(response).toEqual({ status: 204 })
    expect(collector.received).toEqual([])
  })

  test('answers 422 without a request when the batch cannot be read, so it is dead-lettered, not retried', async () => {
    const collector = await startCollector()
    const response = await createOtlpTransport({ endpoint: collector.url })(batchOf(strToU8('not gzip')), context())
    expect(response.status).toBe(422)
    expect(response.text).toMatch(/could not read batch b_1/)
    expect(collector.received).toEqual([])
  })

  test('rejects on a network error, so the engine retries', async () => {
    const collector = await startCollector()
    await collector.close() // nothing listens on the port any more
    const transport = createOtlpTransport({ endpoint: collector.url })
    await expect(transport(MULTI_MEMBER, context())).rejects.toThrow()
  })

  test("rejects when the context's signal aborts, without sending", async () => {
    const collector = await startCollector()
    const controller = new AbortController()
    controller.abort()
    await expect(createOtlpTransport({ endpoint: collector.url })(MULTI_MEMBER, context({}, controller.signal))).rejects.toThrow(/abort/i)
    expect(collector.received).toEqual([])
  })

  test('uses an injected fetch', async () => {
    const calls: Array<[string, RequestInit | undefined]> = []
    const fetch: typeof globalThis.fetch = async (input, init) => {
      calls.push([String(input), init])
      return new Response('ok', { status: 202 })
    }
    const response = await createOtlpTransport({ endpoint: 'https://otel.example', fetch })(MULTI_MEMBER, context())
    expect(response).toEqual({ status: 202, retryAfter: null, text: 'ok' })
    expect(calls.map(([url, init]) => [url, init?.method])).toEqual([
      ['https://otel.example/v1/traces', 'POST'],
      ['https://otel.example/v1/metrics', 'POST'],
    ])
  })

  test('metrics go once, after the spans were accepted: not when the collector refused the spans, and a failed metrics request leaves the batch sent', async () => {
    const answers = [503, 200, 500]
    const collector = await startCollector((response) => response.writeHead(answers.shift() ?? 200).end())
    const transport = createOtlpTransport({ endpoint: collector.url })
    expect((await transport(MULTI_MEMBER, context())).status).toBe(503)
    expect(collector.received.map((request) => request.url)).toEqual(['/v1/traces'])
    expect((await transport(MULTI_MEMBER, context())).status).toBe(200) // its metrics answered 500
    expect(collector.received.map((request) => request.url)).toEqual(['/v1/traces', '/v1/traces', '/v1/metrics'])
    const off = await startCollector()
    await createOtlpTransport({ endpoint: off.url, metrics: false })(MULTI_MEMBER, context())
    expect(off.received.map((request) => request.url)).toEqual(['/v1/traces'])
  })

  test('refuses an endpoint that is not an http(s) URL with code invalid_options', () => {
    for (const endpoint of ['', 'localhost:4318', undefined]) {
      let caught: unknown
      try {
        createOtlpTransport({ endpoint: endpoint as string })
      } catch (error) {
        caught = error
      }
      expect(isTapedeckError(caught) && caught.code).toBe('invalid_options')
    }
  })
})

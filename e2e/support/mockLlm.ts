/**
 * A mock LLM provider on loopback that answers in each provider's exact wire format, so the
 * real SDKs (openai, @anthropic-ai/sdk, the AI SDK's useChat) can talk to it from a browser:
 *
 * - OpenAI Chat Completions  `POST …/v1/chat/completions`  JSON, or SSE `chat.completion.chunk`
 *   events ending with `data: [DONE]`; a last usage chunk (empty `choices`) only when the request
 *   sets `stream_options.include_usage`.
 * - OpenAI Responses         `POST …/v1/responses`  JSON, or SSE semantic events
 *   (`response.created` … `response.output_text.delta` … `response.completed`), no `[DONE]`.
 * - Anthropic Messages       `POST …/v1/messages`  JSON, or SSE `message_start`,
 *   `content_block_start/delta/stop`, `message_delta`, `message_stop`, with `ping`.
 * - AI SDK UI message stream `POST /api/chat` (what `DefaultChatTransport` calls): the real
 *   `streamText(…).toUIMessageStreamResponse({ messageMetadata })` over a scripted model, with a
 *   server-side `lookupOrder` tool, `{ model, usage }` in the message metadata.
 *
 * Behaviour is chosen per request by `key=value` path segments before the API path, so a test
 * (or the playground) sets an SDK's `baseURL` to e.g. `${url}/ttft=200/gap=20/v1`:
 * `headers=ms` (delay before the response headers), `ttft=ms` (after the headers, before the
 * first output), `gap=ms` (between chunks), `cut=n` (close the connection after n output
 * chunks), `status=429|500|…` (an error in the provider's format), `tool=0|1|name` (force or
 * forbid a tool call), `clientTool=1` (/api/chat: the tool has no server `execute`), `cost=usd`
 * (an OpenRouter-style `usage.cost`), `cached=n`, `reasoning=n`, `model=id` (answer as this
 * model), `reply=text`, `tag=x` (to find the request in `GET /__mock/requests?tag=x`).
 *
 * Answers are deterministic: the same request gets the same bytes (ids are hashes of the body).
 * Without `tool=`, a tool is called when the request offers tools and the user's last message
 * mentions an order (`lookupOrder({ orderId })`); after a tool result, the reply describes it.
 *
 * This file is the server; beside it, mockLlmScenario.ts reads a request's scenario and API,
 * mockLlmAnswer.ts decides the answer, mockLlmWire.ts writes it in the three providers' formats and
 * mockLlmAiSdk.ts streams `/api/chat` through the AI SDK.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { aiSdkChat } from './mockLlmAiSdk'
import { answer, conversation } from './mockLlmAnswer'
import { detect, hash, obj, parseScenario, str, textOf, type Api, type Json, type Scenario } from './mockLlmScenario'
import { anthropicMessages, openaiChat, openaiResponses, providerError, Writer } from './mockLlmWire'

export type { Scenario } from './mockLlmScenario'

export interface MockRequest {
  at: number
  method: string
  /** The API path, without the scenario segments. */
  path: string
  api: Api | 'control' | 'unknown'
  scenario: Scenario
  headers: Record<string, string | string[] | undefined>
  body: unknown
}

export interface MockLlm {
  url: string
  /** Every request, in order. Also served as JSON at `GET /__mock/requests[?tag=…]`. */
  requests: MockRequest[]
  close(): Promise<void>
}

export interface MockLlmOptions {
  port?: number
  host?: string
  /** Defaults for every request (path segments override them). */
  defaults?: Partial<Scenario>
}

// — the server —

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function cors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*')
  // `*` does not cover Authorization in CORS: echo what the browser asks for.
  res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '*')
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
  res.setHeader('Access-Control-Expose-Headers', '*')
  res.setHeader('Access-Control-Max-Age', '600')
}

export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlm> {
  const requests: MockRequest[] = []
  const sockets = new Set<import('node:net').Socket>()
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ error: { message: String(error), type: 'mock_error' } }))
      } else res.destroy()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    cors(req, res)
    if (req.method === 'OPTIONS') {
      res.writeHead(204)
      return void res.end()
    }
    const url = new URL(req.url ?? '/', 'http://mock')
    const segments = url.pathname.split('/').filter(Boolean)
    const scenarioSegments: string[] = []
    while (segments.length > 0 && segments[0]!.includes('=')) scenarioSegments.push(segments.shift()!)
    const path = `/${segments.join('/')}`
    const scenario = parseScenario(scenarioSegments, options.defaults ?? {})

    if (path === '/__mock/requests') {
      const tag = url.searchParams.get('tag')
      res.writeHead(200, { 'Content-Type': 'application/json' })
      return void res.end(JSON.stringify(tag ? requests.filter((r) => r.scenario.tag === tag) : requests))
    }
    const api = req.method === 'POST' ? detect(path) : undefined
    const raw = await readBody(req)
    let body: Json = {}
    try {
      body = obj(JSON.parse(raw || '{}')) ?? {}
    } catch {
      // logged as it came
    }
    requests.push({ at: Date.now(), method: req.method ?? 'GET', path, api: api ?? 'unknown', scenario, headers: { ...req.headers }, body })
    const id = hash(`${path}\n${raw}`)
    if (!api) {
      res.writeHead(404, { 'Content-Type': 'application/json' })
      return void res.end(JSON.stringify({ error: { message: `No mock at ${req.method} ${path}`, type: 'not_found' } }))
    }
    const w = new Writer(res, scenario)
    if (scenario.status !== undefined && scenario.status >= 400) {
      const error = providerError(api, scenario.status, id)
      return w.json(scenario.status, error.headers, error.body)
    }
    if (api === 'ai-sdk.chat') return aiSdkChat(res, body, scenario)
    const conv = conversation(api, body)
    const a = answer(conv, scenario, JSON.stringify(body.messages ?? body.input ?? '') + (str(body.instructions) ?? '') + textOf(body.system))
    if (api === 'openai.chat') return openaiChat(w, body, a, scenario, id)
    if (api === 'openai.responses') return openaiResponses(w, body, a, scenario, id)
    return anthropicMessages(w, body, a, scenario, id)
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

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
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { LanguageModelV3, LanguageModelV3Prompt, LanguageModelV3StreamPart } from '@ai-sdk/provider'
import { convertToModelMessages, jsonSchema, stepCountIs, streamText, tool, type UIMessage } from 'ai'

export interface Scenario {
  headersMs: number
  ttftMs: number
  gapMs: number
  cut?: number
  status?: number
  tool?: boolean | string
  clientTool?: boolean
  cost?: number
  cached?: number
  reasoning?: number
  model?: string
  reply?: string
  tag?: string
}

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

type Api = 'openai.chat' | 'openai.responses' | 'anthropic.messages' | 'ai-sdk.chat'
type Json = Record<string, unknown>

const CREATED = 1_735_689_600 // 2025-01-01T00:00:00Z: answers are the same every time
const DEFAULT_MODEL: Record<Api, string> = {
  'openai.chat': 'gpt-4o-mini',
  'openai.responses': 'gpt-4o-mini',
  'anthropic.messages': 'claude-3-5-haiku-latest',
  'ai-sdk.chat': 'gpt-4o-mini',
}

// — helpers —

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve())

function hash(text: string): string {
  // FNV-1a, 2 × 32 bits: ids that only depend on the request.
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193)
    b = Math.imul(b ^ text.charCodeAt(i), 0x85ebca6b)
  }
  return ((a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0')).slice(0, 16)
}

const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined)
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  return arr(content)
    .map((part) => str(obj(part)?.text) ?? '')
    .filter(Boolean)
    .join('\n')
}

function parseScenario(segments: string[], defaults: Partial<Scenario>): Scenario {
  const scenario: Scenario = { headersMs: 0, ttftMs: 0, gapMs: 0, ...defaults }
  for (const segment of segments) {
    const [key, raw = ''] = decodeURIComponent(segment).split(/=(.*)/s)
    const n = Number(raw)
    switch (key) {
      case 'headers':
      case 'delay':
        scenario.headersMs = n
        break
      case 'ttft':
        scenario.ttftMs = n
        break
      case 'gap':
        scenario.gapMs = n
        break
      case 'cut':
        scenario.cut = n
        break
      case 'status':
        scenario.status = n
        break
      case 'tool':
        scenario.tool = raw === '0' || raw === 'false' ? false : raw === '1' || raw === 'true' || raw === '' ? true : raw
        break
      case 'clientTool':
        scenario.clientTool = raw !== '0' && raw !== 'false'
        break
      case 'cost':
        scenario.cost = n
        break
      case 'cached':
        scenario.cached = n
        break
      case 'reasoning':
        scenario.reasoning = n
        break
      case 'model':
        scenario.model = raw
        break
      case 'reply':
        scenario.reply = raw
        break
      case 'tag':
        scenario.tag = raw
        break
    }
  }
  return scenario
}

function detect(path: string): Api | undefined {
  if (path.endsWith('/chat/completions')) return 'openai.chat'
  if (path.endsWith('/responses')) return 'openai.responses'
  if (path.endsWith('/messages')) return 'anthropic.messages'
  if (path === '/api/chat') return 'ai-sdk.chat'
  return undefined
}

// — the conversation the mock plays —

interface Conversation {
  userText: string
  /** The last message is a tool result: its content. */
  toolResult?: string
  tools: string[]
}

function conversation(api: Exclude<Api, 'ai-sdk.chat'>, body: Json): Conversation {
  const tools = arr(body.tools).flatMap((t) => {
    const name = str(obj(obj(t)?.function)?.name) ?? str(obj(t)?.name)
    return name ? [name] : []
  })
  let userText = ''
  let toolResult: string | undefined
  if (api === 'openai.chat') {
    const messages = arr(body.messages).map(obj)
    const last = messages.at(-1)
    if (last?.role === 'tool') toolResult = textOf(last.content)
    userText = textOf([...messages].reverse().find((m) => m?.role === 'user')?.content)
  } else if (api === 'openai.responses') {
    if (typeof body.input === 'string') userText = body.input
    const items = arr(body.input).map(obj)
    const last = items.at(-1)
    if (last?.type === 'function_call_output') toolResult = textOf(last.output)
    userText ||= textOf([...items].reverse().find((m) => m?.role === 'user')?.content)
  } else {
    const messages = arr(body.messages).map(obj)
    const last = messages.at(-1)
    const result = arr(last?.content).map(obj).find((block) => block?.type === 'tool_result')
    if (last?.role === 'user' && result) toolResult = textOf(result.content)
    for (const m of [...messages].reverse()) {
      if (m?.role !== 'user') continue
      const text = textOf(m.content)
      if (text) {
        userText = text
        break
      }
    }
  }
  return { userText, toolResult, tools }
}

const ORDER_ID = /\b([A-Z]{1,4}-?\d{3,})\b/

interface Answer {
  text: string
  pieces: string[]
  toolCall?: { name: string; arguments: string; pieces: string[] }
  inputTokens: number
  outputTokens: number
  cachedTokens: number
  reasoningTokens: number
}

function replyText(conv: Conversation, scenario: Scenario): string {
  if (scenario.reply !== undefined) return scenario.reply
  if (conv.toolResult !== undefined) {
    try {
      const result = JSON.parse(conv.toolResult) as Json
      if (typeof result.status === 'string') {
        return `Order ${String(result.orderId ?? '')} is ${result.status}${result.eta ? `, arriving ${String(result.eta)}` : ''}.`
      }
    } catch {
      // not JSON: quote it
    }
    return `The tool said: ${conv.toolResult.slice(0, 200)}`
  }
  return `You said: "${conv.userText.slice(0, 120)}". This is a mock reply.`
}

function answer(conv: Conversation, scenario: Scenario, promptText: string): Answer {
  const wantsTool =
    scenario.tool === false
      ? undefined
      : typeof scenario.tool === 'string'
        ? scenario.tool
        : conv.tools.length > 0 && conv.toolResult === undefined && (scenario.tool === true || /\border\b/i.test(conv.userText) || ORDER_ID.test(conv.userText))
          ? conv.tools[0]
          : undefined
  const inputTokens = Math.max(1, Math.ceil(promptText.length / 4))
  const cachedTokens = Math.min(scenario.cached ?? 0, inputTokens)
  const reasoningTokens = scenario.reasoning ?? 0
  if (wantsTool) {
    const args = JSON.stringify({ orderId: ORDER_ID.exec(conv.userText)?.[1] ?? 'A1042' })
    const pieces = args.match(/.{1,6}/gs) ?? [args]
    return { text: '', pieces: [], toolCall: { name: wantsTool, arguments: args, pieces }, inputTokens, outputTokens: pieces.length + 4 + reasoningTokens, cachedTokens, reasoningTokens }
  }
  const text = replyText(conv, scenario)
  const pieces = text.match(/\S+\s*/g) ?? [text]
  return { text, pieces, inputTokens, outputTokens: pieces.length + reasoningTokens, cachedTokens, reasoningTokens }
}

// — writing —

class Writer {
  private written = 0
  cutDone = false
  constructor(
    private readonly res: ServerResponse,
    private readonly scenario: Scenario,
  ) {}

  async head(status: number, headers: Record<string, string>): Promise<void> {
    await sleep(this.scenario.headersMs)
    this.res.writeHead(status, headers)
    this.res.flushHeaders()
  }

  /** One SSE event. `output`: it carries model output (counted for `cut`, delayed by `ttft`/`gap`). */
  async sse(data: unknown, options: { event?: string; output?: boolean } = {}): Promise<boolean> {
    if (this.cutDone || this.res.destroyed) return false
    if (options.output) {
      if (this.scenario.cut !== undefined && this.written >= this.scenario.cut) {
        await this.cut()
        return false
      }
      await sleep(this.written === 0 ? this.scenario.ttftMs : this.scenario.gapMs)
      this.written++
    }
    const text = typeof data === 'string' ? data : JSON.stringify(data)
    this.res.write(`${options.event ? `event: ${options.event}\n` : ''}data: ${text}\n\n`)
    return true
  }

  /**
   * Ends the connection mid-body, as a dropped network would: the chunked body never gets its
   * last chunk (or a JSON body its announced length), so the browser reports a network error.
   * A FIN rather than a reset, so what was sent before still arrives.
   */
  async cut(): Promise<void> {
    this.cutDone = true
    await sleep(20)
    const socket = this.res.socket
    socket?.end()
    setTimeout(() => socket?.destroy(), 500).unref()
  }

  async json(status: number, headers: Record<string, string>, body: unknown): Promise<void> {
    const text = JSON.stringify(body)
    await this.head(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) })
    await sleep(this.scenario.ttftMs)
    if (this.scenario.cut !== undefined) {
      this.res.write(text.slice(0, Math.floor(text.length / 2)))
      return this.cut()
    }
    this.res.end(text)
  }

  end(): void {
    if (!this.cutDone && !this.res.destroyed) this.res.end()
  }
}

const SSE_HEADERS = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' }

function openaiUsage(a: Answer, scenario: Scenario): Json {
  const usage: Json = {
    prompt_tokens: a.inputTokens,
    completion_tokens: a.outputTokens,
    total_tokens: a.inputTokens + a.outputTokens,
    prompt_tokens_details: { cached_tokens: a.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: a.reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  }
  if (scenario.cost !== undefined) usage.cost = scenario.cost
  return usage
}

async function openaiChat(w: Writer, body: Json, a: Answer, scenario: Scenario, id: string): Promise<void> {
  const model = scenario.model ?? str(body.model) ?? DEFAULT_MODEL['openai.chat']
  const headers = { 'x-request-id': `req_${id}`, 'openai-processing-ms': '1' }
  const callId = `call_${id}`
  const finishReason = a.toolCall ? 'tool_calls' : 'stop'
  if (body.stream !== true) {
    const message: Json = { role: 'assistant', content: a.toolCall ? null : a.text, refusal: null, annotations: [] }
    if (a.toolCall) message.tool_calls = [{ id: callId, type: 'function', function: { name: a.toolCall.name, arguments: a.toolCall.arguments } }]
    return w.json(200, headers, {
      id: `chatcmpl-${id}`,
      object: 'chat.completion',
      created: CREATED,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage: openaiUsage(a, scenario),
      service_tier: 'default',
      system_fingerprint: 'fp_tapedeck',
    })
  }
  const includeUsage = obj(body.stream_options)?.include_usage === true
  const chunk = (choices: unknown[], extra: Json = {}) => ({
    id: `chatcmpl-${id}`,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    service_tier: 'default',
    system_fingerprint: 'fp_tapedeck',
    choices,
    ...(includeUsage ? { usage: null } : {}),
    ...extra,
  })
  const choice = (delta: Json, finish: string | null = null) => ({ index: 0, delta, logprobs: null, finish_reason: finish })
  await w.head(200, { ...headers, ...SSE_HEADERS })
  if (a.toolCall) {
    // The tool's name is the model's first output: it comes after the time to first token.
    await w.sse(chunk([choice({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: a.toolCall.name, arguments: '' } }], refusal: null })]), { output: true })
    for (const piece of a.toolCall.pieces) if (!(await w.sse(chunk([choice({ tool_calls: [{ index: 0, function: { arguments: piece } }] })]), { output: true }))) return
  } else {
    await w.sse(chunk([choice({ role: 'assistant', content: '', refusal: null })]))
    for (const piece of a.pieces) if (!(await w.sse(chunk([choice({ content: piece })]), { output: true }))) return
  }
  await w.sse(chunk([choice({}, finishReason)]))
  if (includeUsage) await w.sse(chunk([], { usage: openaiUsage(a, scenario) }))
  await w.sse('[DONE]')
  w.end()
}

async function openaiResponses(w: Writer, body: Json, a: Answer, scenario: Scenario, id: string): Promise<void> {
  const model = scenario.model ?? str(body.model) ?? DEFAULT_MODEL['openai.responses']
  const headers = { 'x-request-id': `req_${id}` }
  const usage: Json = {
    input_tokens: a.inputTokens,
    input_tokens_details: { cached_tokens: a.cachedTokens },
    output_tokens: a.outputTokens,
    output_tokens_details: { reasoning_tokens: a.reasoningTokens },
    total_tokens: a.inputTokens + a.outputTokens,
  }
  if (scenario.cost !== undefined) usage.cost = scenario.cost
  const item: Json = a.toolCall
    ? { id: `fc_${id}`, type: 'function_call', status: 'completed', arguments: a.toolCall.arguments, call_id: `call_${id}`, name: a.toolCall.name }
    : { id: `msg_${id}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: a.text }] }
  const response = (status: string, output: unknown[], withUsage: boolean): Json => ({
    id: `resp_${id}`,
    object: 'response',
    created_at: CREATED,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: withUsage ? usage : null,
    user: null,
    metadata: {},
  })
  if (body.stream !== true) return w.json(200, headers, response('completed', [item], true))

  let seq = 0
  const event = (type: string, data: Json, output = false) => w.sse({ type, sequence_number: seq++, ...data }, { event: type, output })
  await w.head(200, { ...headers, ...SSE_HEADERS })
  await event('response.created', { response: response('in_progress', [], false) })
  await event('response.in_progress', { response: response('in_progress', [], false) })
  if (a.toolCall) {
    const call = { ...item, status: 'in_progress', arguments: '' }
    await event('response.output_item.added', { output_index: 0, item: call }, true)
    for (const piece of a.toolCall.pieces) if (!(await event('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: piece }, true))) return
    await event('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: a.toolCall.arguments })
  } else {
    await event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } })
    const part = { type: 'output_text', annotations: [], logprobs: [], text: '' }
    await event('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part })
    for (const piece of a.pieces) if (!(await event('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta: piece, logprobs: [] }, true))) return
    await event('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text: a.text, logprobs: [] })
    await event('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part: { ...part, text: a.text } })
  }
  await event('response.output_item.done', { output_index: 0, item })
  await event('response.completed', { response: response('completed', [item], true) })
  w.end()
}

async function anthropicMessages(w: Writer, body: Json, a: Answer, scenario: Scenario, id: string): Promise<void> {
  const model = scenario.model ?? str(body.model) ?? DEFAULT_MODEL['anthropic.messages']
  const headers = { 'request-id': `req_${id}`, 'anthropic-organization-id': 'org_tapedeck' }
  const toolId = `toolu_${id}`
  const stopReason = a.toolCall ? 'tool_use' : 'end_turn'
  const inputUsage = { input_tokens: a.inputTokens - a.cachedTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: a.cachedTokens }
  const cost = scenario.cost !== undefined ? { cost: scenario.cost } : {}
  if (body.stream !== true) {
    const content = a.toolCall
      ? [{ type: 'tool_use', id: toolId, name: a.toolCall.name, input: JSON.parse(a.toolCall.arguments) as unknown }]
      : [{ type: 'text', text: a.text }]
    return w.json(200, headers, {
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { ...inputUsage, output_tokens: a.outputTokens, service_tier: 'standard', ...cost },
    })
  }
  const event = (type: string, data: Json, output = false) => w.sse({ type, ...data }, { event: type, output })
  await w.head(200, { ...headers, ...SSE_HEADERS })
  await event('message_start', {
    message: { id: `msg_${id}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...inputUsage, output_tokens: 1, service_tier: 'standard' } },
  })
  if (a.toolCall) {
    await event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: toolId, name: a.toolCall.name, input: {} } }, true)
    await event('ping', {})
    for (const piece of a.toolCall.pieces) if (!(await event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: piece } }, true))) return
  } else {
    await event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
    await event('ping', {})
    for (const piece of a.pieces) if (!(await event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }, true))) return
  }
  await event('content_block_stop', { index: 0 })
  await event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: a.outputTokens, ...cost } })
  await event('message_stop', {})
  w.end()
}

function providerError(api: Api, status: number, id: string): { headers: Record<string, string>; body: Json } {
  const retry: Record<string, string> = status === 429 ? { 'retry-after': '1', 'retry-after-ms': '1000' } : {}
  if (api === 'anthropic.messages') {
    const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : status === 401 ? 'authentication_error' : 'invalid_request_error'
    const message = status === 429 ? 'Number of request tokens has exceeded your per-minute rate limit (mock).' : status >= 500 ? 'Internal server error (mock).' : `Mock error ${status}.`
    return { headers: { 'request-id': `req_${id}`, ...retry }, body: { type: 'error', error: { type, message }, request_id: `req_${id}` } }
  }
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error'
  const code = status === 429 ? 'rate_limit_exceeded' : null
  const message = status === 429 ? 'Rate limit reached for requests (mock).' : status >= 500 ? 'The server had an error while processing your request (mock).' : `Mock error ${status}.`
  return { headers: { 'x-request-id': `req_${id}`, ...retry }, body: { error: { message, type, param: null, code } } }
}

// — /api/chat: the AI SDK's UI message stream, produced by the AI SDK itself —

function scriptedModel(modelId: string, scenario: Scenario): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: 'tapedeck-mock',
    modelId,
    supportedUrls: {},
    async doGenerate() {
      throw new Error('The mock model only streams.')
    },
    async doStream(options) {
      const prompt: LanguageModelV3Prompt = options.prompt
      const last = prompt.at(-1)
      const tools = (options.tools ?? []).map((t) => t.name)
      let toolResult: string | undefined
      if (last?.role === 'tool') {
        const result = last.content.find((part) => part.type === 'tool-result')
        if (result?.type === 'tool-result') {
          const output = result.output
          toolResult = output.type === 'text' ? output.value : output.type === 'json' ? JSON.stringify(output.value) : '{}'
        }
      }
      const user = [...prompt].reverse().find((m) => m.role === 'user')
      const userText = user?.role === 'user' ? user.content.map((p) => (p.type === 'text' ? p.text : '')).join('') : ''
      const a = answer({ userText, toolResult, tools }, scenario, JSON.stringify(prompt))
      const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }, { type: 'response-metadata', id: `resp_${hash(JSON.stringify(prompt))}`, modelId, timestamp: new Date(CREATED * 1000) }]
      const delays: number[] = [0, 0]
      let outputs = 0
      const delayed = (part: LanguageModelV3StreamPart) => {
        parts.push(part)
        delays.push(outputs++ === 0 ? scenario.ttftMs : scenario.gapMs)
      }
      const plain = (part: LanguageModelV3StreamPart) => (parts.push(part), delays.push(0))
      if (a.toolCall) {
        const toolCallId = `call_${hash(JSON.stringify(prompt)).slice(0, 8)}`
        delayed({ type: 'tool-input-start', id: toolCallId, toolName: a.toolCall.name }) // the first output
        for (const piece of a.toolCall.pieces) delayed({ type: 'tool-input-delta', id: toolCallId, delta: piece })
        plain({ type: 'tool-input-end', id: toolCallId })
        plain({ type: 'tool-call', toolCallId, toolName: a.toolCall.name, input: a.toolCall.arguments })
      } else {
        plain({ type: 'text-start', id: 'text-0' })
        for (const piece of a.pieces) delayed({ type: 'text-delta', id: 'text-0', delta: piece })
        plain({ type: 'text-end', id: 'text-0' })
      }
      plain({
        type: 'finish',
        finishReason: { unified: a.toolCall ? 'tool-calls' : 'stop', raw: a.toolCall ? 'tool_calls' : 'stop' },
        usage: {
          inputTokens: { total: a.inputTokens, noCache: a.inputTokens - a.cachedTokens, cacheRead: a.cachedTokens, cacheWrite: 0 },
          outputTokens: { total: a.outputTokens, text: a.outputTokens - a.reasoningTokens, reasoning: a.reasoningTokens },
        },
      })
      let index = 0
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        async pull(controller) {
          if (index >= parts.length) return controller.close()
          await sleep(delays[index] ?? 0)
          controller.enqueue(parts[index++]!)
        },
      })
      return { stream }
    },
  }
}

async function aiSdkChat(res: ServerResponse, body: Json, scenario: Scenario): Promise<void> {
  const messages = arr(body.messages) as UIMessage[]
  const modelId = scenario.model ?? 'gpt-4o-mini'
  const lookupOrder = scenario.clientTool
    ? tool({ description: 'Look up an order by id', inputSchema: jsonSchema<{ orderId: string }>({ type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] }) })
    : tool({
        description: 'Look up an order by id',
        inputSchema: jsonSchema<{ orderId: string }>({ type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] }),
        execute: async ({ orderId }) => ({ orderId, status: 'shipped', eta: 'Thursday' }),
      })
  const result = streamText({
    model: scriptedModel(modelId, scenario),
    messages: await convertToModelMessages(messages),
    tools: { lookupOrder },
    stopWhen: stepCountIs(3),
  })
  // The server helper docs/instrumentation.md documents: `{ model, usage }` in the message metadata.
  const response = result.toUIMessageStreamResponse({
    originalMessages: messages,
    // Ids from the server, so the client's message ids (and a recording's) are the server's.
    generateMessageId: () => `msg_${hash(JSON.stringify(messages))}`,
    messageMetadata: ({ part }) => {
      if (part.type === 'start') return { model: modelId, provider: 'openai' }
      if (part.type === 'finish') return { model: modelId, provider: 'openai', usage: part.totalUsage }
      return undefined
    },
  })
  await sleep(scenario.headersMs)
  const headers: Record<string, string> = {}
  response.headers.forEach((value, key) => (headers[key] = value))
  res.writeHead(response.status, headers)
  res.flushHeaders()
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let deltas = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    const text = decoder.decode(value, { stream: true })
    deltas += (text.match(/"type":"text-delta"/g) ?? []).length
    res.write(value)
    if (scenario.cut !== undefined && deltas >= scenario.cut) {
      await reader.cancel()
      await sleep(20)
      res.socket?.end()
      return
    }
  }
  res.end()
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

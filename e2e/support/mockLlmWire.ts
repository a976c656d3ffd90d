import type { ServerResponse } from 'node:http'
import type { Answer } from './mockLlmAnswer'
import { CREATED, DEFAULT_MODEL, obj, sleep, str, type Api, type Json, type Scenario } from './mockLlmScenario'

// The mock LLM's answers in each provider's exact wire format (e2e/support/mockLlm.ts): OpenAI Chat
// Completions, OpenAI Responses and Anthropic Messages, as JSON or as server-sent events, and their errors.

// — writing —

export class Writer {
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

export async function openaiChat(w: Writer, body: Json, a: Answer, scenario: Scenario, id: string): Promise<void> {
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

export async function openaiResponses(w: Writer, body: Json, a: Answer, scenario: Scenario, id: string): Promise<void> {
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

export async function anthropicMessages(w: Writer, body: Json, a: Answer, scenario: Scenario, id: string): Promise<void> {
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

export function providerError(api: Api, status: number, id: string): { headers: Record<string, string>; body: Json } {
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

/**
 * A recorded call written back in a provider's wire format: the JSON body, or the SSE events of a
 * stream, for OpenAI Chat Completions and Anthropic Messages. Text is streamed word by word and
 * tool arguments in slices, the way the providers send them, so clients parse them as usual.
 */
import type { RecordedCall, RecordedToolCall } from './recordedCalls'
import type { ReplayApi } from './describeRequest'

/** One SSE event: `event` is the name (Anthropic), `data` its JSON (or `[DONE]`); `output` marks the first model output for timing. */
export interface SseFrame {
  event?: string
  data: string
  output?: boolean
}

const OPENAI_FINISH: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', tool_use: 'tool_calls', max_tokens: 'length', aborted: 'stop' }
const ANTHROPIC_STOP: Record<string, string> = { stop: 'end_turn', tool_calls: 'tool_use', length: 'max_tokens', content_filter: 'refusal', aborted: 'end_turn' }

function toolCalls(call: RecordedCall): RecordedToolCall[] {
  return Array.isArray(call.response?.toolCalls) ? call.response.toolCalls : []
}

function argumentsText(args: unknown): string {
  if (typeof args === 'string') return args
  return JSON.stringify(args ?? {})
}

function toolId(call: RecordedCall, tool: RecordedToolCall, index: number, prefix: string): string {
  return tool.id ?? `${prefix}${call.callId}_${index}`
}

/** Splits after each whitespace run: the pieces join back to the text. */
export function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? []
}

function slices(text: string, size: number): string[] {
  const out: string[] = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}

function created(call: RecordedCall): number {
  return Math.floor((call.ended?.ts ?? call.ts ?? 0) / 1000)
}

// — OpenAI Chat Completions —

function openaiFinish(call: RecordedCall): string {
  const reason = call.finishReason
  if (reason === undefined) return toolCalls(call).length > 0 ? 'tool_calls' : 'stop'
  return call.api === 'openai.chat' || !(reason in OPENAI_FINISH) ? (reason === 'aborted' ? 'stop' : reason) : OPENAI_FINISH[reason]!
}

export function openaiUsage(call: RecordedCall): Record<string, unknown> | undefined {
  if (call.rawUsage && call.api === 'openai.chat') return call.rawUsage
  const usage = call.usage
  if (!usage) return undefined
  const out: Record<string, unknown> = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  }
  if (usage.cachedTokens !== undefined) out.prompt_tokens_details = { cached_tokens: usage.cachedTokens }
  if (usage.reasoningTokens !== undefined) out.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens }
  return out
}

function openaiId(call: RecordedCall): string {
  return call.responseId ?? `chatcmpl-replay-${call.callId}`
}

export function openaiJson(call: RecordedCall, model: string | undefined): Record<string, unknown> {
  const tools = toolCalls(call)
  const text = call.response?.text ?? ''
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: text === '' && tools.length > 0 ? null : text,
    refusal: call.response?.refusal || null,
  }
  if (call.response?.reasoning) message.reasoning_content = call.response.reasoning
  if (tools.length > 0) {
    message.tool_calls = tools.map((tool, i) => ({
      id: toolId(call, tool, i, 'call_'),
      type: 'function',
      function: { name: tool.name, arguments: argumentsText(tool.arguments) },
    }))
  }
  const body: Record<string, unknown> = {
    id: openaiId(call),
    object: 'chat.completion',
    created: created(call),
    model: call.model ?? model ?? 'unknown',
    choices: [{ index: 0, message, logprobs: null, finish_reason: openaiFinish(call) }],
  }
  const usage = openaiUsage(call)
  if (usage) body.usage = usage
  return body
}

export function openaiFrames(call: RecordedCall, model: string | undefined, includeUsage: boolean): SseFrame[] {
  const base = { id: openaiId(call), object: 'chat.completion.chunk', created: created(call), model: call.model ?? model ?? 'unknown' }
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })
  const frames: SseFrame[] = [{ data: chunk({ role: 'assistant', content: '' }) }]
  for (const piece of words(call.response?.reasoning ?? '')) frames.push({ data: chunk({ reasoning_content: piece }), output: true })
  for (const piece of words(call.response?.text ?? '')) frames.push({ data: chunk({ content: piece }), output: true })
  if (call.response?.refusal) frames.push({ data: chunk({ refusal: call.response.refusal }), output: true })
  toolCalls(call).forEach((tool, index) => {
    frames.push({
      data: chunk({ tool_calls: [{ index, id: toolId(call, tool, index, 'call_'), type: 'function', function: { name: tool.name, arguments: '' } }] }),
      output: true,
    })
    for (const piece of slices(argumentsText(tool.arguments), 32)) frames.push({ data: chunk({ tool_calls: [{ index, function: { arguments: piece } }] }) })
  })
  frames.push({ data: chunk({}, openaiFinish(call)) })
  const usage = openaiUsage(call)
  if (includeUsage && usage) frames.push({ data: JSON.stringify({ ...base, choices: [], usage }) })
  frames.push({ data: '[DONE]' })
  return frames
}

// — Anthropic Messages —

function anthropicStop(call: RecordedCall): string {
  const reason = call.finishReason
  if (reason === undefined) return toolCalls(call).length > 0 ? 'tool_use' : 'end_turn'
  return call.api === 'anthropic.messages' || !(reason in ANTHROPIC_STOP) ? (reason === 'aborted' ? 'end_turn' : reason) : ANTHROPIC_STOP[reason]!
}

export function anthropicUsage(call: RecordedCall): Record<string, unknown> {
  if (call.rawUsage && call.api === 'anthropic.messages') return call.rawUsage
  const usage = call.usage
  if (!usage) return { input_tokens: 0, output_tokens: 0 }
  // Anthropic counts cache reads apart from `input_tokens`; the recorded usage includes them.
  const cached = usage.cachedTokens ?? 0
  const out: Record<string, unknown> = { input_tokens: Math.max(0, usage.inputTokens - cached), output_tokens: usage.outputTokens }
  if (usage.cachedTokens !== undefined) out.cache_read_input_tokens = usage.cachedTokens
  return out
}

function anthropicId(call: RecordedCall): string {
  return call.responseId ?? `msg_replay_${call.callId}`
}

function toolInput(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {}
  try {
    return JSON.parse(args) as unknown
  } catch {
    return {}
  }
}

export function anthropicJson(call: RecordedCall, model: string | undefined): Record<string, unknown> {
  const tools = toolCalls(call)
  const text = call.response?.text ?? ''
  const content: unknown[] = []
  if (text !== '' || tools.length === 0) content.push({ type: 'text', text })
  tools.forEach((tool, i) => content.push({ type: 'tool_use', id: toolId(call, tool, i, 'toolu_'), name: tool.name, input: toolInput(tool.arguments) }))
  return {
    id: anthropicId(call),
    type: 'message',
    role: 'assistant',
    model: call.model ?? model ?? 'unknown',
    content,
    stop_reason: anthropicStop(call),
    stop_sequence: null,
    usage: anthropicUsage(call),
  }
}

export function anthropicFrames(call: RecordedCall, model: string | undefined): SseFrame[] {
  const usage = anthropicUsage(call)
  const frame = (event: string, data: Record<string, unknown>, output = false): SseFrame => ({ event, data: JSON.stringify({ type: event, ...data }), output })
  const frames: SseFrame[] = [
    frame('message_start', {
      message: {
        id: anthropicId(call),
        type: 'message',
        role: 'assistant',
        model: call.model ?? model ?? 'unknown',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  ]
  let index = 0
  const text = call.response?.text ?? ''
  const tools = toolCalls(call)
  if (text !== '' || tools.length === 0) {
    frames.push(frame('content_block_start', { index, content_block: { type: 'text', text: '' } }))
    for (const piece of words(text)) frames.push(frame('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }, true))
    frames.push(frame('content_block_stop', { index }))
    index++
  }
  tools.forEach((tool, i) => {
    frames.push(frame('content_block_start', { index, content_block: { type: 'tool_use', id: toolId(call, tool, i, 'toolu_'), name: tool.name, input: {} } }, true))
    for (const piece of slices(JSON.stringify(toolInput(tool.arguments)), 32)) {
      frames.push(frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }))
    }
    frames.push(frame('content_block_stop', { index }))
    index++
  })
  frames.push(frame('message_delta', { delta: { stop_reason: anthropicStop(call), stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }))
  frames.push(frame('message_stop', {}))
  return frames
}

// — both —

export function successJson(api: ReplayApi, call: RecordedCall, model: string | undefined): Record<string, unknown> {
  return api === 'openai.chat' ? openaiJson(call, model) : anthropicJson(call, model)
}

export function successFrames(api: ReplayApi, call: RecordedCall, model: string | undefined, includeUsage: boolean): SseFrame[] {
  return api === 'openai.chat' ? openaiFrames(call, model, includeUsage) : anthropicFrames(call, model)
}

/** The error body each API sends with an error status. */
export function errorJson(api: ReplayApi, error: { message: string; type?: unknown; code?: unknown }): Record<string, unknown> {
  const type = typeof error.type === 'string' ? error.type : 'api_error'
  if (api === 'anthropic.messages') return { type: 'error', error: { type, message: error.message } }
  return { error: { message: error.message, type, param: null, code: error.code ?? null } }
}

export function encodeFrame(frame: SseFrame): string {
  return `${frame.event ? `event: ${frame.event}\n` : ''}data: ${frame.data}\n\n`
}

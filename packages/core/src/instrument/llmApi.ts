/**
 * What the fetch instrumentation knows about an LLM HTTP API: how to recognise its URL, what
 * to read from a request body, and how to rebuild the answer from its JSON or its SSE events.
 * One adapter per wire format (`openaiChat`, `openaiResponses`, `anthropicMessages`).
 */
import type { ErrorDescription, JsonObject } from '../events/catalogue'
import type { UsageFormat } from './normalizeUsage'

export type LlmApi = 'openai.chat' | 'openai.responses' | 'anthropic.messages'

export interface ToolCallRecord {
  id?: string
  name: string
  /** Parsed JSON when it parses, else the text as received (a cut-off stream). */
  arguments?: unknown
}

/** One prompt message, the same shape whatever the provider. */
export interface PromptMessage {
  role: string
  content?: string
  toolCalls?: ToolCallRecord[]
  toolCallId?: string
  name?: string
}

export interface RequestDescription {
  model?: string
  stream: boolean
  /** temperature, topP, maxTokens, tools (names), toolChoice, … in one naming across providers. */
  params: JsonObject
  messages: PromptMessage[]
}

/** What a response said, as far as it arrived. */
export interface CallOutcome {
  id?: string
  model?: string
  text: string
  reasoning: string
  refusal: string
  toolCalls: ToolCallRecord[]
  finishReason?: string
  /** The provider's usage object as sent (merged across events where the API spreads it). */
  rawUsage?: Record<string, unknown>
  /** The usage is the final count (not Anthropic's `message_start` placeholder). */
  usageFinal: boolean
  /** The API's own end marker arrived (`[DONE]`, `message_stop`, `response.completed`, or a whole JSON body). */
  terminal: boolean
  /** An error the provider reported inside a 200 answer (an SSE `error` event, `response.failed`). */
  error?: ErrorDescription
}

export interface ResponseReader {
  /** One SSE event, its data parsed as JSON; returns whether it carried output (for time to first token). */
  event(name: string | undefined, data: unknown): boolean
  /** OpenAI's `data: [DONE]`. */
  done(): void
  /** A whole (non-streaming) JSON body. */
  json(body: unknown): void
  outcome(): CallOutcome
}

export interface LlmApiAdapter {
  api: LlmApi
  usageFormat: UsageFormat
  family: 'openai' | 'anthropic'
  describe(body: Raw, url: URL): RequestDescription
  reader(): ResponseReader
}

export type Raw = Record<string, unknown>

/** Recognises an LLM API by the shape of its path, so any OpenAI-compatible base URL works. */
export function detectLlmApi(url: URL): LlmApi | undefined {
  const path = url.pathname.replace(/\/+$/, '')
  if (path.endsWith('/chat/completions')) return 'openai.chat'
  if (/\/(?:v\d+|openai)\/responses$/.test(path)) return 'openai.responses'
  if (/\/v\d+\/messages$/.test(path)) return 'anthropic.messages'
  return undefined
}

const HOSTS: Array<[suffix: string, provider: string]> = [
  ['api.openai.com', 'openai'],
  ['openai.azure.com', 'azure-openai'],
  ['api.anthropic.com', 'anthropic'],
  ['openrouter.ai', 'openrouter'],
  ['api.groq.com', 'groq'],
  ['api.mistral.ai', 'mistral'],
  ['api.deepseek.com', 'deepseek'],
  ['api.together.xyz', 'together'],
  ['api.fireworks.ai', 'fireworks'],
  ['generativelanguage.googleapis.com', 'google'],
  ['api.x.ai', 'xai'],
  ['api.perplexity.ai', 'perplexity'],
  ['api.cerebras.ai', 'cerebras'],
]

/** The provider's name from its host; an unknown host gets `openai-compatible` / `anthropic-compatible`. */
export function providerForUrl(url: URL, family: 'openai' | 'anthropic'): string {
  const host = url.hostname.toLowerCase()
  for (const [suffix, provider] of HOSTS) if (host === suffix || host.endsWith(`.${suffix}`)) return provider
  return `${family}-compatible`
}

// — helpers shared by the adapters —

export function obj(value: unknown): Raw | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : undefined
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

/** Tool arguments as an object when they are JSON, else as received. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value
  if (value === '') return undefined
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}

/** Copies the listed request fields that hold plain values, under our names. */
export function pickParams(body: Raw, names: Record<string, string>): JsonObject {
  const params: JsonObject = {}
  for (const [wire, ours] of Object.entries(names)) {
    const value = body[wire]
    if (value === undefined || value === null) continue
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') params[ours] = value
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) params[ours] = value
  }
  return params
}

/** Text of a content value: a string, or parts whose text is kept and whose media become `[image]`, `[file]`… */
export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return undefined
  const pieces: string[] = []
  for (const part of content) {
    const p = obj(part)
    if (!p) continue
    const text = str(p.text) ?? str(p.refusal)
    if (text !== undefined) pieces.push(text)
    else if (p.type === 'tool_result' || p.type === 'function_call_output') pieces.push(contentText(p.content ?? p.output) ?? '')
    else if (typeof p.type === 'string') pieces.push(`[${placeholder(p.type)}]`)
  }
  return pieces.join('\n')
}

function placeholder(type: string): string {
  if (type.includes('image')) return 'image'
  if (type.includes('audio')) return 'audio'
  if (type.includes('file') || type === 'document') return 'file'
  return type
}

export function toolNames(tools: unknown): string[] {
  const names: string[] = []
  for (const tool of arr(tools)) {
    const t = obj(tool)
    if (!t) continue
    const name = str(obj(t.function)?.name) ?? str(t.name) ?? str(t.type)
    if (name) names.push(name)
  }
  return names
}

export function toolChoice(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  const choice = obj(value)
  if (!choice) return undefined
  return str(obj(choice.function)?.name) ?? str(choice.name) ?? str(choice.type)
}

export function emptyOutcome(): CallOutcome {
  return { text: '', reasoning: '', refusal: '', toolCalls: [], usageFinal: false, terminal: false }
}

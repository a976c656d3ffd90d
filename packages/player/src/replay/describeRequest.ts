import { describeLlmRequest } from '@tapedeck/core/instrument'

/**
 * What the replay needs from an LLM request: which API it speaks, the model, whether it streams,
 * and the prompt in the normalised form the instrumentation records (`{ role, content }`, media
 * as `[image]`…), so a replayed request can be matched to the recorded call it repeats.
 */
export type ReplayApi = 'openai.chat' | 'anthropic.messages'

export interface RequestSummary {
  api: ReplayApi
  model?: string
  stream: boolean
  /** OpenAI `stream_options.include_usage`: the last chunk carries the usage. */
  includeUsage: boolean
  messages: Array<{ role: string; content?: string; toolCallId?: string }>
}

type Raw = Record<string, unknown>

function obj(value: unknown): Raw | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : undefined
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/**
 * The request as the instrumentation read it when it was recorded (core's own reading, so the
 * two cannot drift apart), or undefined for an API the replay does not answer.
 */
export function describeRequest(url: URL, body: Raw): RequestSummary | undefined {
  const described = describeLlmRequest(url, body)
  if (!described || described.api === 'openai.responses') return undefined
  const { api, model, stream, messages } = described
  const includeUsage = api === 'openai.chat' && obj(body.stream_options)?.include_usage === true
  return { api, ...(model !== undefined && { model }), stream, includeUsage, messages }
}

/** A comparable form of a prompt: roles, texts and tool-call ids, in order. */
export function promptKey(messages: readonly unknown[]): string {
  return JSON.stringify(
    messages.map((item) => {
      const m = obj(item) ?? {}
      return [str(m.role) ?? '', str(m.content) ?? '', str(m.toolCallId) ?? '']
    }),
  )
}

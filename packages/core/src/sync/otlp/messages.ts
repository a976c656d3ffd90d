/**
 * Prompt and response content in the shape of the GenAI semantic conventions'
 * `gen_ai.input.messages` / `gen_ai.output.messages` JSON schemas: `{ role, parts: [{ type,
 * … }] }`. Used only with `includeContent: true`. Recorded content comes in whatever shape the
 * application or the fetch instrumentation wrote, so this is a best effort over the common ones:
 * a string, `{ role, content }` (string or OpenAI-style `[{ type: 'text', text }]`), `{ role,
 * parts }`, `{ text }` and `toolCalls` / `tool_calls`. Anything else is kept as a JSON text part.
 */
export interface MessagePart {
  type: string
  [key: string]: unknown
}

export interface ChatMessage {
  role: string
  parts: MessagePart[]
  finish_reason?: string
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

const text = (content: string): MessagePart => ({ type: 'text', content })

function toPart(value: unknown): MessagePart {
  if (typeof value === 'string') return text(value)
  if (isObject(value) && typeof value.type === 'string') {
    return value.type === 'text' && typeof value.text === 'string' && value.content === undefined
      ? text(value.text)
      : (value as MessagePart)
  }
  return text(JSON.stringify(value))
}

function contentParts(content: unknown): MessagePart[] {
  if (content === undefined || content === null) return []
  return Array.isArray(content) ? content.map(toPart) : [toPart(content)]
}

function toolCallPart(call: unknown): MessagePart {
  if (!isObject(call)) return toPart(call)
  const fn = isObject(call.function) ? call.function : {}
  return { type: 'tool_call', id: call.id, name: call.name ?? fn.name, arguments: call.arguments ?? call.args ?? fn.arguments }
}

function toMessage(value: unknown, role: string): ChatMessage {
  if (!isObject(value)) return { role, parts: contentParts(value) }
  const parts = Array.isArray(value.parts) ? value.parts.map(toPart) : contentParts(value.content ?? value.text)
  const toolCalls = value.toolCalls ?? value.tool_calls
  if (Array.isArray(toolCalls)) parts.push(...toolCalls.map(toolCallPart))
  return { role: typeof value.role === 'string' ? value.role : role, parts }
}

/** `provider.call.started` `messages` → `gen_ai.input.messages`. */
export function toInputMessages(messages: unknown): ChatMessage[] | undefined {
  return Array.isArray(messages) ? messages.map((message) => toMessage(message, 'user')) : undefined
}

/** `provider.call.completed` `response` → `gen_ai.output.messages` (one choice). */
export function toOutputMessages(response: unknown, finishReason: unknown): ChatMessage[] | undefined {
  if (response === undefined) return undefined
  const message = toMessage(response, 'assistant')
  if (typeof finishReason === 'string') message.finish_reason = finishReason
  return [message]
}

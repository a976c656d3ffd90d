import type { MessageCreatedData, ToolCallCompletedData, ToolCallStartedData } from '@tapedeck/core'
import type { CheckContext } from './Check'

const MAX_FIELD = 2000

function clip(text: string): string {
  return text.length > MAX_FIELD ? `${text.slice(0, MAX_FIELD)}… [${text.length - MAX_FIELD} more characters]` : text
}

function json(value: unknown): string {
  try {
    return clip(JSON.stringify(value) ?? 'null')
  } catch {
    return '[not JSON]'
  }
}

/**
 * The conversation as plain text, one line a turn, for an LLM judge: messages (`role: text`) and
 * tool calls (`tool name(args) → result`) in the order they happened. A session that recorded no
 * messages is written from its provider calls (the last prompt, then each answer).
 */
export function renderConversation({ events, calls }: Pick<CheckContext, 'events' | 'calls'>): string {
  const lines: string[] = []
  for (const event of events) {
    if (event.type === 'message.created') {
      const data = event.data as MessageCreatedData
      lines.push(`${data.role}: ${clip(typeof data.content === 'string' ? data.content : json(data.parts ?? null))}`)
    } else if (event.type === 'tool.call.started') {
      const data = event.data as ToolCallStartedData
      lines.push(`tool call ${data.name}(${json(data.args ?? {})})`)
    } else if (event.type === 'tool.call.completed') {
      const data = event.data as ToolCallCompletedData
      lines.push(`tool result ${data.name}: ${data.error !== undefined ? `error ${json(data.error)}` : json(data.result ?? null)}`)
    }
  }
  if (lines.some((line) => !line.startsWith('tool '))) return lines.join('\n')
  const last = calls[calls.length - 1]
  for (const message of (last?.messages ?? []) as Array<{ role?: string; content?: string }>) lines.push(`${message.role ?? 'unknown'}: ${clip(message.content ?? '')}`)
  if (last?.response?.text) lines.push(`assistant: ${clip(last.response.text)}`)
  return lines.join('\n')
}

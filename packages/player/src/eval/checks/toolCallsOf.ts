import type { ToolCallStartedData } from '@tapedeck/core'
import type { CheckContext } from '../Check'

export interface SeenToolCall {
  name: string
  args: unknown
  toolCallId?: string
  /** The `tool.call.started` event, else the provider call whose answer asked for the tool. */
  eventId: string
}

/**
 * The tool calls of a session: every `tool.call.started`, plus the calls a model asked for
 * (`provider.call.completed` → `response.toolCalls`) that the app did not record as a tool call.
 */
export function toolCallsOf({ events, calls }: Pick<CheckContext, 'events' | 'calls'>): SeenToolCall[] {
  const seen: SeenToolCall[] = []
  const ids = new Set<string>()
  for (const event of events) {
    if (event.type !== 'tool.call.started') continue
    const data = event.data as ToolCallStartedData
    if (typeof data.name !== 'string') continue
    seen.push({ name: data.name, args: data.args, toolCallId: data.toolCallId, eventId: event.id })
    if (typeof data.toolCallId === 'string') ids.add(data.toolCallId)
  }
  for (const call of calls) {
    for (const requested of call.response?.toolCalls ?? []) {
      if (requested.id !== undefined && ids.has(requested.id)) continue
      seen.push({ name: requested.name, args: requested.arguments, ...(requested.id !== undefined && { toolCallId: requested.id }), eventId: call.ended!.id })
    }
  }
  return seen
}

import type { TapedeckEvent, ToolCallStartedData } from '@tapedeck/core'
import { recordedCalls, type RecordedCall } from './recordedCalls'
import { stableJson } from './stableJson'

/** One turn of the conversation as the model saw it. */
export interface ConversationTurn {
  role: string
  content?: string
  toolCalls?: unknown
  toolCallId?: string
}

/** A turn that differs: `recorded` or `replayed` is `null` when the other run has no turn at that index. */
export interface TurnChange {
  index: number
  role: string
  recorded: ConversationTurn | null
  replayed: ConversationTurn | null
}

export interface ToolCallChange {
  index: number
  recorded: { name: string; args: unknown } | null
  replayed: { name: string; args: unknown } | null
}

/** A request parameter that differs between the recorded call and the replayed one at the same index (`calls`: how many calls). */
export interface RequestChange {
  index: number
  field: string
  recorded: unknown
  replayed: unknown
}

export interface RunDiff {
  /** The conversation: the last request's prompt and its answer, turn by turn. */
  messages: TurnChange[]
  toolCalls: ToolCallChange[]
  /** Model, stream, parameters (temperature, tools…) per call, and the number of calls. */
  requests: RequestChange[]
  /** Nothing differs. */
  same: boolean
}

/** The conversation as the model last saw it: the prompt of the last call that has one, then that call's answer. */
export function conversationOf(calls: readonly RecordedCall[]): ConversationTurn[] {
  for (let i = calls.length - 1; i >= 0; i--) {
    const call = calls[i]!
    if (!call.messages) continue
    const turns = call.messages.map((message) => {
      const m = message as ConversationTurn
      const turn: ConversationTurn = { role: String(m.role ?? 'unknown') }
      if (m.content !== undefined) turn.content = m.content
      if (m.toolCalls !== undefined) turn.toolCalls = m.toolCalls
      if (m.toolCallId !== undefined) turn.toolCallId = m.toolCallId
      return turn
    })
    const answer: ConversationTurn = { role: 'assistant' }
    if (call.response?.text) answer.content = call.response.text
    if (call.response?.toolCalls?.length) answer.toolCalls = call.response.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args }))
    if (call.response) turns.push(answer)
    return turns
  }
  return []
}

/** Tool calls are compared by name and arguments; ids are the model's and differ between runs. */
function turnKey(turn: ConversationTurn): string {
  const toolCalls = Array.isArray(turn.toolCalls) ? turn.toolCalls.map((call: { name?: unknown; arguments?: unknown }) => ({ name: call.name, arguments: call.arguments })) : turn.toolCalls
  return stableJson({ role: turn.role, content: turn.content ?? '', toolCalls: toolCalls ?? null })
}

function toolCallsOf(events: readonly TapedeckEvent[]): Array<{ name: string; args: unknown }> {
  return events
    .filter((event) => event.type === 'tool.call.started')
    .map((event) => {
      const data = event.data as ToolCallStartedData
      return { name: data.name, args: data.args ?? null }
    })
}

function diffLists<T, C>(recorded: readonly T[], replayed: readonly T[], key: (item: T) => string, change: (index: number, a: T | null, b: T | null) => C): C[] {
  const changes: C[] = []
  for (let i = 0; i < Math.max(recorded.length, replayed.length); i++) {
    const a = recorded[i]
    const b = replayed[i]
    if (a !== undefined && b !== undefined && key(a) === key(b)) continue
    changes.push(change(i, a ?? null, b ?? null))
  }
  return changes
}

function requestFields(call: RecordedCall): Record<string, unknown> {
  const data = call.started?.data as Record<string, unknown> | undefined
  const fields: Record<string, unknown> = { model: typeof data?.model === 'string' ? data.model : call.model, stream: call.stream ?? null }
  for (const [key, value] of Object.entries(call.params ?? {})) fields[`params.${key}`] = value
  return fields
}

/**
 * What differs between a recorded run and a replayed one: the conversation turn by turn, the tool
 * calls (name and arguments) in order, and each call's request parameters.
 */
export function diffRuns(recorded: readonly TapedeckEvent[], replayed: readonly TapedeckEvent[]): RunDiff {
  const before = recordedCalls(recorded)
  const after = recordedCalls(replayed)
  const messages = diffLists(conversationOf(before), conversationOf(after), turnKey, (index, a, b) => ({ index, role: (a ?? b)!.role, recorded: a, replayed: b }))
  const toolCalls = diffLists(toolCallsOf(recorded), toolCallsOf(replayed), stableJson, (index, a, b) => ({ index, recorded: a, replayed: b }))
  const requests: RequestChange[] = []
  if (before.length !== after.length) requests.push({ index: -1, field: 'calls', recorded: before.length, replayed: after.length })
  for (let i = 0; i < Math.min(before.length, after.length); i++) {
    const a = requestFields(before[i]!)
    const b = requestFields(after[i]!)
    for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (stableJson(a[field]) !== stableJson(b[field])) requests.push({ index: i, field, recorded: a[field] ?? null, replayed: b[field] ?? null })
    }
  }
  return { messages, toolCalls, requests, same: messages.length === 0 && toolCalls.length === 0 && requests.length === 0 }
}

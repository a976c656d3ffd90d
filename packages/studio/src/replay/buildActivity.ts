import type { TapedeckEvent } from '@tapedeck/core'

export type ActivityKind = 'message' | 'call' | 'tool' | 'action' | 'error' | 'transcript' | 'checkpoint'

/** One line of the replay's activity list: something that happened at a moment of the session. */
export interface ActivityItem {
  kind: ActivityKind
  /** Session time, ms. */
  t: number
  seq: number
  /** Short heading: `user`, `gpt-4o-mini`, `lookupOrder`, `click`. */
  title: string
  /** The text: a message, a response, tool arguments and result, an error message. */
  text: string
  /** The provider call this line belongs to (its details go in the side panel). */
  callId?: string
  role?: string
  failed?: boolean
}

/**
 * Everything a reviewer reads in a session, in time order, made once per recording: messages,
 * LLM calls (on their answer), tool calls (arguments and result on one line), user actions,
 * errors, final transcript lines and checkpoints.
 */
export function buildActivity(events: readonly TapedeckEvent[]): ActivityItem[] {
  const items: ActivityItem[] = []
  const tools = new Map<string, ActivityItem>()
  for (const event of events) {
    const data = event.data as Record<string, unknown>
    const base = { t: event.t, seq: event.seq }
    switch (event.type) {
      case 'message.created':
        items.push({ ...base, kind: 'message', title: String(data.role ?? 'message'), role: String(data.role ?? ''), text: messageText(data) })
        break
      case 'provider.call.completed':
      case 'provider.call.failed': {
        const failed = event.type === 'provider.call.failed'
        const usage = data.usage as { inputTokens?: number; outputTokens?: number } | undefined
        const figures = [
          usage ? `${usage.inputTokens ?? 0} → ${usage.outputTokens ?? 0} tokens` : '',
          typeof data.latencyMs === 'number' ? `${Math.round(data.latencyMs)} ms` : '',
          typeof data.costUsd === 'number' ? `$${data.costUsd.toPrecision(2)}` : '',
        ].filter(Boolean)
        items.push({
          ...base,
          kind: failed ? 'error' : 'call',
          title: String(data.model ?? 'LLM call'),
          text: failed ? `call failed: ${errorText(data.error)}` : figures.join(' · '),
          ...(typeof data.callId === 'string' && { callId: data.callId }),
          failed,
        })
        break
      }
      case 'tool.call.started': {
        const item: ActivityItem = { ...base, kind: 'tool', title: String(data.name ?? 'tool'), text: `(${short(data.args)})` }
        items.push(item)
        if (typeof data.toolCallId === 'string') tools.set(data.toolCallId, item)
        break
      }
      case 'tool.call.completed': {
        const started = typeof data.toolCallId === 'string' ? tools.get(data.toolCallId) : undefined
        const outcome = data.error !== undefined ? `failed: ${errorText(data.error)}` : `→ ${short(data.result)}`
        if (started) {
          started.text = `${started.text} ${outcome}`
          started.failed = data.error !== undefined
        } else items.push({ ...base, kind: 'tool', title: String(data.name ?? 'tool'), text: outcome, failed: data.error !== undefined })
        break
      }
      case 'user.action': {
        const target = data.target as string | { label?: string; selector?: string } | undefined
        const label = typeof target === 'string' ? target : (target?.label ?? target?.selector ?? '')
        items.push({ ...base, kind: 'action', title: String(data.kind ?? 'action'), text: label || String(data.url ?? '') })
        break
      }
      case 'error.raised':
        items.push({ ...base, kind: 'error', title: 'error', text: errorText(data.error ?? data.message), failed: true })
        break
      case 'recorder.dropped':
        items.push({ ...base, kind: 'error', title: 'dropped', text: `${String(data.count ?? '?')} events dropped by the recorder`, failed: true })
        break
      case 'transcript.segment':
        if (data.final !== false) items.push({ ...base, kind: 'transcript', title: String(data.speaker ?? 'speaker'), text: String(data.text ?? '') })
        break
      case 'snapshot.created':
        items.push({ ...base, kind: 'checkpoint', title: 'checkpoint', text: String(data.description ?? '') })
        break
    }
  }
  // Times are stamped on one clock per tab; sort by time (stable: seq order among equals).
  return items.sort((a, b) => a.t - b.t)
}

function messageText(data: Record<string, unknown>): string {
  if (typeof data.content === 'string') return data.content
  if (!Array.isArray(data.parts)) return ''
  return data.parts
    .map((part: { text?: unknown; toolName?: unknown; type?: unknown }) =>
      typeof part.text === 'string' ? part.text : typeof part.toolName === 'string' ? `[${part.toolName}]` : typeof part.type === 'string' ? `[${part.type}]` : '',
    )
    .filter(Boolean)
    .join(' ')
}

function errorText(error: unknown): string {
  if (typeof error === 'string') return error
  const e = error as { name?: unknown; message?: unknown } | undefined
  return [e?.name, e?.message].filter((part) => typeof part === 'string').join(': ') || 'error'
}

function short(value: unknown): string {
  if (value === undefined) return ''
  let text: string
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
  } catch {
    text = String(value)
  }
  return text.length > 160 ? `${text.slice(0, 157)}…` : text
}

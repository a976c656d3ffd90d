import type { ErrorDescription, JsonObject, TapedeckEvent, TokenUsage } from '@tapedeck/core'
import type { Recording } from '../recording/Recording'

/** A recorded tool call requested by the model, as the instrumentation stores it. */
export interface RecordedToolCall {
  id?: string
  name: string
  /** Parsed JSON when it parsed, else the text as received. */
  arguments?: unknown
}

/** One provider call: its `provider.call.started` joined with how it ended. */
export interface RecordedCall {
  callId: string
  status: 'completed' | 'failed' | 'unfinished'
  provider?: string
  model?: string
  /** The wire format it was recorded from: `openai.chat`, `openai.responses`, `anthropic.messages`… */
  api?: string
  stream?: boolean
  params?: JsonObject
  /** The prompt, normalised (`{ role, content, toolCalls?, toolCallId? }`), when captured. */
  messages?: unknown[]
  /** `t` and `ts` it started at (of its end event when no start was recorded). */
  t: number
  ts?: number
  response?: { text?: string; toolCalls?: RecordedToolCall[]; reasoning?: string; refusal?: string }
  usage?: TokenUsage
  /** The provider's usage object as sent. */
  rawUsage?: Record<string, unknown>
  costUsd?: number
  latencyMs?: number
  ttftMs?: number
  finishReason?: string
  responseId?: string
  error?: ErrorDescription
  started?: TapedeckEvent
  ended?: TapedeckEvent
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

const cache = new WeakMap<readonly TapedeckEvent[], RecordedCall[]>()

/** The provider calls of a recording in the order they started (computed once per events array). */
export function recordedCalls(recording: Recording | readonly TapedeckEvent[]): RecordedCall[] {
  const events = Array.isArray(recording) ? (recording as readonly TapedeckEvent[]) : (recording as Recording).events
  const cached = cache.get(events)
  if (cached) return cached
  const calls: RecordedCall[] = []
  const open = new Map<string, RecordedCall>()
  for (const event of events) {
    if (event.type !== 'provider.call.started' && event.type !== 'provider.call.completed' && event.type !== 'provider.call.failed') continue
    const data = event.data as Record<string, unknown>
    const callId = str(data.callId) ?? `${event.seq}`
    if (event.type === 'provider.call.started') {
      const call: RecordedCall = { callId, status: 'unfinished', t: event.t, ts: event.ts, started: event }
      if (str(data.provider)) call.provider = str(data.provider)
      if (str(data.model)) call.model = str(data.model)
      if (str(data.api)) call.api = str(data.api)
      if (typeof data.stream === 'boolean') call.stream = data.stream
      if (isObject(data.params)) call.params = data.params as JsonObject
      if (Array.isArray(data.messages)) call.messages = data.messages
      open.set(callId, call)
      calls.push(call)
      continue
    }
    let call = open.get(callId)
    open.delete(callId)
    if (!call) {
      call = { callId, status: 'unfinished', t: event.t, ts: event.ts }
      calls.push(call)
    }
    call.ended = event
    call.status = event.type === 'provider.call.completed' ? 'completed' : 'failed'
    call.provider ??= str(data.provider)
    call.api ??= str(data.api)
    // The response names the model that answered; the request's stays in `started`.
    if (str(data.model)) call.model = str(data.model)
    if (isObject(data.response)) call.response = data.response as RecordedCall['response']
    if (isObject(data.usage)) call.usage = data.usage as unknown as TokenUsage
    if (isObject(data.rawUsage)) call.rawUsage = data.rawUsage
    if (num(data.costUsd) !== undefined) call.costUsd = num(data.costUsd)
    if (num(data.latencyMs) !== undefined) call.latencyMs = num(data.latencyMs)
    if (num(data.ttftMs) !== undefined) call.ttftMs = num(data.ttftMs)
    if (str(data.finishReason)) call.finishReason = str(data.finishReason)
    if (str(data.responseId)) call.responseId = str(data.responseId)
    if (typeof data.stream === 'boolean') call.stream ??= data.stream
    if (isObject(data.error)) call.error = data.error as ErrorDescription
    else if (typeof data.error === 'string') call.error = { message: data.error }
  }
  for (const call of calls) {
    // Undefined fields left by the `??=` above are noise in exports.
    for (const key of Object.keys(call) as Array<keyof RecordedCall>) if (call[key] === undefined) delete call[key]
  }
  cache.set(events, calls)
  return calls
}

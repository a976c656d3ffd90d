import type {
  EventType,
  ProviderCallStartedData,
  SessionStartedData,
  TapedeckEvent,
  ToolCallStartedData,
} from '../../events/catalogue'
import { VERSION } from '../../version'
import {
  attributes,
  doubleAttr,
  intAttr,
  jsonAttr,
  scalarAttr,
  stringArrayAttr,
  stringAttr,
  type Attribute,
} from './attributes'
import {
  SpanKind,
  StatusCode,
  type ExportTraceServiceRequest,
  type KeyValue,
  type Span,
  type SpanEvent,
} from './ExportTraceServiceRequest'
import { callSpanIdOf, eventSpanIdOf, rootSpanIdOf, toolSpanIdOf, traceIdOf } from './ids'
import { toInputMessages, toOutputMessages } from './messages'
import { durationNanos, msToNanos } from './unixNano'

export type ResourceAttributes = Record<string, string | number | boolean>

export interface OtlpMappingOptions {
  /**
   * Also export content: prompts and responses (`gen_ai.input.messages` /
   * `gen_ai.output.messages`), tool arguments and results, stack traces and the data of span
   * events. Off by default: traces usually live in a system with other access rules.
   */
  includeContent?: boolean
}

export const SCOPE_NAME = '@tapedeck/core'

/**
 * Maps the events of one batch (one session, in seq order, as the sync engine sends them) to an
 * OTLP/JSON trace request. Pure and deterministic: the same events always give the same
 * request, so a batch that is sent again describes the same spans again.
 *
 * - The session is one trace; its root span is emitted by the batch that holds the session's
 *   end (`session.ended` / `session.interrupted`). Every other span names it as parent, also
 *   when it arrives in an earlier batch.
 * - `provider.call.completed` / `.failed` → a CLIENT span `chat {model}`;
 *   `tool.call.completed` → `execute_tool {name}`; `error.raised` → a zero-length span `error`.
 *   The matching `*.started` event, when it is in the same batch, adds request parameters.
 * - Every other event becomes a span event on the call span nearest to it in time in this batch,
 *   and is left out when the batch has no call span (the Tapedeck protocol carries everything;
 *   OTLP traces are for the calls).
 *
 * Events must have a finite `ts` (a RangeError otherwise).
 */
export function toOtlpTraces(
  events: TapedeckEvent[],
  resource: ResourceAttributes = {},
  options: OtlpMappingOptions = {},
): ExportTraceServiceRequest {
  const spans: Span[] = []
  for (const sessionEvents of groupBySession(events)) {
    spans.push(...sessionSpans(sessionEvents, options.includeContent === true))
  }
  if (spans.length === 0) return { resourceSpans: [] }
  const resourceAttributes = Object.entries({ 'service.name': 'tapedeck', ...resource })
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes(...resourceAttributes.map(([key, value]) => scalarAttr(key, value))) },
        scopeSpans: [{ scope: { name: SCOPE_NAME, version: VERSION }, spans }],
      },
    ],
  }
}

/** What the mapping of one session's events needs to know. */
interface Session {
  id: string
  traceId: string
  rootSpanId: string
  includeContent: boolean
  started?: SessionStartedData
  callsStarted: Map<string, ProviderCallStartedData>
  toolsStarted: Map<string, ToolCallStartedData>
}

/** A span with its times as numbers, to place span events by time. */
interface BuiltSpan {
  span: Span
  start: bigint
  end: bigint
  /** A provider or tool call: a span that other events may attach to. */
  isCall: boolean
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

const nonEmpty = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

function groupBySession(events: TapedeckEvent[]): TapedeckEvent[][] {
  const groups = new Map<string, TapedeckEvent[]>()
  for (const event of events) {
    const group = groups.get(event.sessionId)
    if (group) group.push(event)
    else groups.set(event.sessionId, [event])
  }
  return [...groups.values()]
}

function describeSession(events: TapedeckEvent[], includeContent: boolean): Session {
  const id = events[0]!.sessionId
  const session: Session = {
    id,
    traceId: traceIdOf(id),
    rootSpanId: rootSpanIdOf(id),
    includeContent,
    callsStarted: new Map(),
    toolsStarted: new Map(),
  }
  for (const event of events) {
    if (event.type === 'session.started') session.started = event.data as SessionStartedData
    if (is(event, 'provider.call.started')) session.callsStarted.set(String(event.data.callId), event.data)
    if (is(event, 'tool.call.started')) session.toolsStarted.set(String(event.data.toolCallId), event.data)
  }
  return session
}

function is<T extends EventType>(event: TapedeckEvent, type: T): event is TapedeckEvent<T> {
  return event.type === type
}

function sessionSpans(events: TapedeckEvent[], includeContent: boolean): Span[] {
  const session = describeSession(events, includeContent)
  const built: BuiltSpan[] = []
  const others: TapedeckEvent[] = []
  for (const event of events) {
    if (is(event, 'provider.call.completed')) built.push(completedCallSpan(session, event))
    else if (is(event, 'provider.call.failed')) built.push(failedCallSpan(session, event))
    else if (is(event, 'tool.call.completed')) built.push(toolSpan(session, event))
    else if (is(event, 'error.raised')) built.push(errorSpan(session, event))
    else if (is(event, 'session.ended') || is(event, 'session.interrupted')) built.push(rootSpan(session, event))
    // Folded into the spans above (metadata, request parameters, prompts, tool arguments).
    else if (event.type === 'session.started' || event.type === 'provider.call.started' || event.type === 'tool.call.started') continue
    else others.push(event)
  }
  attachSpanEvents(
    built.filter((item) => item.isCall),
    others,
    includeContent,
  )
  return built.map((item) => item.span)
}

function makeSpan(
  session: Session,
  spanId: string,
  name: string,
  kind: SpanKind,
  start: bigint,
  end: bigint,
  spanAttributes: KeyValue[],
  isCall: boolean,
): BuiltSpan {
  const span: Span = {
    traceId: session.traceId,
    spanId,
    ...(spanId === session.rootSpanId ? {} : { parentSpanId: session.rootSpanId }),
    name,
    kind,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(end),
    attributes: spanAttributes,
  }
  return { span, start, end, isCall }
}

function errorStatus(message: unknown): Span['status'] {
  return typeof message === 'string' ? { code: StatusCode.ERROR, message } : { code: StatusCode.ERROR }
}

/** `error.type`: the error's name, else its HTTP status, else `_OTHER` (the conventions' fallback). */
function errorType(error: Json): string {
  return nonEmpty(error.name) ?? (Number.isInteger(error.status) ? String(error.status) : '_OTHER')
}

// --- the session ---------------------------------------------------------------------------

function rootSpan(session: Session, event: TapedeckEvent<'session.ended' | 'session.interrupted'>): BuiltSpan {
  const data = event.data as Json
  const interrupted = event.type === 'session.interrupted'
  // An interruption is written when the next page load finds the session left open, long after
  // the fact: its `lastActiveAt` (epoch ms of the last write) is when the session really ended.
  const lastActiveAt = data.lastActiveAt
  const endMs = interrupted && typeof lastActiveAt === 'number' && Number.isFinite(lastActiveAt) ? lastActiveAt : event.ts
  const end = msToNanos(endMs)
  const start = end - durationNanos(event.t)
  const started = session.started
  const name = `session ${nonEmpty(started?.label) ?? nonEmpty(started?.feature) ?? session.id}`
  const spanAttributes = attributes(
    stringAttr('gen_ai.conversation.id', session.id),
    stringAttr('tapedeck.session.status', interrupted ? 'interrupted' : 'ended'),
    stringAttr('tapedeck.session.reason', data.reason),
    intAttr('tapedeck.session.last_seq', event.seq),
    stringAttr('enduser.id', started?.userId),
    stringAttr('tapedeck.feature', started?.feature),
    stringAttr('tapedeck.label', started?.label),
    stringAttr('gen_ai.agent.id', started?.agentId),
    stringArrayAttr('tapedeck.tags', started?.tags),
  )
  return makeSpan(session, session.rootSpanId, name, SpanKind.INTERNAL, start, end, spanAttributes, false)
}

// --- provider calls -------------------------------------------------------------------------

const chatName = (model: unknown): string => (nonEmpty(model) ? `chat ${model as string}` : 'chat')

function firstOf(object: Json, keys: string[]): unknown {
  return keys.map((key) => object[key]).find((value) => value !== undefined)
}

/** What a completed and a failed call share: the request side, from `provider.call.started`. */
function requestAttributes(
  session: Session,
  event: TapedeckEvent,
  callId: string,
  provider: unknown,
  model: unknown,
  started: ProviderCallStartedData | undefined,
): Attribute[] {
  const params: Json = isObject(started?.params) ? started.params : {}
  return [
    stringAttr('gen_ai.operation.name', 'chat'),
    stringAttr('gen_ai.provider.name', provider),
    stringAttr('gen_ai.request.model', model),
    doubleAttr('gen_ai.request.temperature', params.temperature),
    intAttr(
      'gen_ai.request.max_tokens',
      firstOf(params, ['maxTokens', 'max_tokens', 'max_completion_tokens', 'maxOutputTokens', 'max_output_tokens']),
    ),
    doubleAttr('gen_ai.request.top_p', firstOf(params, ['topP', 'top_p'])),
    stringAttr('gen_ai.conversation.id', session.id),
    stringAttr('tapedeck.call.id', callId),
    intAttr('tapedeck.event.seq', event.seq),
    session.includeContent ? jsonAttr('gen_ai.input.messages', toInputMessages(started?.messages)) : undefined,
  ]
}

function completedCallSpan(session: Session, event: TapedeckEvent<'provider.call.completed'>): BuiltSpan {
  const data = event.data
  const callId = String(data.callId)
  const started = session.callsStarted.get(callId)
  const usage: Json = isObject(data.usage) ? data.usage : {}
  const end = msToNanos(event.ts)
  const spanAttributes = attributes(
    ...requestAttributes(session, event, callId, data.provider ?? started?.provider, started?.model ?? data.model, started),
    stringAttr('gen_ai.response.model', data.model),
    intAttr('gen_ai.usage.input_tokens', usage.inputTokens),
    intAttr('gen_ai.usage.output_tokens', usage.outputTokens),
    intAttr('gen_ai.usage.cache_read.input_tokens', usage.cachedTokens),
    intAttr('gen_ai.usage.reasoning.output_tokens', usage.reasoningTokens),
    stringArrayAttr('gen_ai.response.finish_reasons', nonEmpty(data.finishReason) ? [data.finishReason] : undefined),
    doubleAttr('gen_ai.response.time_to_first_chunk', typeof data.ttftMs === 'number' ? data.ttftMs / 1000 : undefined),
    doubleAttr('tapedeck.cost_usd', data.costUsd),
    session.includeContent ? jsonAttr('gen_ai.output.messages', toOutputMessages(data.response, data.finishReason)) : undefined,
  )
  const name = chatName(started?.model ?? data.model)
  const start = end - durationNanos(data.latencyMs)
  return makeSpan(session, callSpanId(session, callId, started), name, SpanKind.CLIENT, start, end, spanAttributes, true)
}

function failedCallSpan(session: Session, event: TapedeckEvent<'provider.call.failed'>): BuiltSpan {
  const data = event.data
  const callId = String(data.callId)
  const started = session.callsStarted.get(callId)
  const error: Json = isObject(data.error) ? data.error : {}
  const model = started?.model ?? data.model
  const end = msToNanos(event.ts)
  const spanAttributes = attributes(
    ...requestAttributes(session, event, callId, started?.provider ?? data.provider, model, started),
    stringAttr('error.type', errorType(error)),
    intAttr('http.response.status_code', error.status),
  )
  const start = end - durationNanos(data.latencyMs)
  const built = makeSpan(session, callSpanId(session, callId, started), chatName(model), SpanKind.CLIENT, start, end, spanAttributes, true)
  built.span.status = errorStatus(error.message)
  return built
}

/**
 * The call's span id: the one its request carried in `traceparent` (`propagate`, docs/capture.md)
 * when that names this session's trace — so the spans of the backend it called hang below it —
 * else one derived from the call id.
 */
function callSpanId(session: Session, callId: string, started: ProviderCallStartedData | undefined): string {
  const carried = started?.spanId
  if (started?.traceId === session.traceId && typeof carried === 'string' && /^[\da-f]{16}$/.test(carried) && !/^0+$/.test(carried)) return carried
  return callSpanIdOf(session.id, callId)
}

// --- tools and errors -----------------------------------------------------------------------

function toolSpan(session: Session, event: TapedeckEvent<'tool.call.completed'>): BuiltSpan {
  const data = event.data
  const toolCallId = String(data.toolCallId)
  const started = session.toolsStarted.get(toolCallId)
  const name = data.name ?? started?.name
  const error: Json | undefined =
    typeof data.error === 'string' ? { message: data.error } : isObject(data.error) ? data.error : undefined
  const end = msToNanos(event.ts)
  const spanAttributes = attributes(
    stringAttr('gen_ai.operation.name', 'execute_tool'),
    stringAttr('gen_ai.tool.name', name),
    stringAttr('gen_ai.tool.call.id', data.toolCallId),
    stringAttr('gen_ai.conversation.id', session.id),
    intAttr('tapedeck.event.seq', event.seq),
    error ? stringAttr('error.type', errorType(error)) : undefined,
    session.includeContent ? jsonAttr('gen_ai.tool.call.arguments', data.args ?? started?.args) : undefined,
    session.includeContent && !error ? jsonAttr('gen_ai.tool.call.result', data.result) : undefined,
  )
  const spanName = nonEmpty(name) ? `execute_tool ${name}` : 'execute_tool'
  const start = end - durationNanos(data.durationMs)
  const built = makeSpan(session, toolSpanIdOf(session.id, toolCallId), spanName, SpanKind.INTERNAL, start, end, spanAttributes, true)
  if (error) built.span.status = errorStatus(error.message)
  return built
}

function errorSpan(session: Session, event: TapedeckEvent<'error.raised'>): BuiltSpan {
  const data = event.data as Json
  const at = msToNanos(event.ts)
  const spanAttributes = attributes(
    stringAttr('error.type', errorType(data)),
    stringAttr('tapedeck.error.source', data.source),
    stringAttr('gen_ai.conversation.id', session.id),
    intAttr('tapedeck.event.seq', event.seq),
    session.includeContent ? stringAttr('exception.stacktrace', data.stack) : undefined,
  )
  const built = makeSpan(session, eventSpanIdOf(session.id, event.seq), 'error', SpanKind.INTERNAL, at, at, spanAttributes, false)
  built.span.status = errorStatus(data.message)
  return built
}

// --- everything else: span events -----------------------------------------------------------

/**
 * String fields copied to span events by default: names and kinds, never free text. Numbers
 * and booleans are always copied; the whole `data` only with `includeContent`.
 */
const LABEL_FIELDS = new Set(['messageId', 'role', 'kind', 'key', 'name', 'unit', 'reason', 'speaker', 'mimeType', 'source', 'rating'])

function spanEvent(event: TapedeckEvent, includeContent: boolean): SpanEvent {
  const data: Json = isObject(event.data) ? event.data : {}
  const fields = Object.entries(data)
    .filter(([key, value]) => typeof value !== 'string' || LABEL_FIELDS.has(key))
    .map(([key, value]) => scalarAttr(`tapedeck.data.${key}`, value))
  return {
    timeUnixNano: String(msToNanos(event.ts)),
    name: event.type,
    attributes: attributes(
      intAttr('tapedeck.event.seq', event.seq),
      stringAttr('tapedeck.event.id', event.id),
      ...fields,
      includeContent ? jsonAttr('tapedeck.event.data', event.data) : undefined,
    ),
  }
}

/** Each event goes to the call span nearest in time (0 inside it); ties go to the earlier span. */
function attachSpanEvents(calls: BuiltSpan[], events: TapedeckEvent[], includeContent: boolean): void {
  if (calls.length === 0) return
  for (const event of events) {
    const time = msToNanos(event.ts)
    let nearest = calls[0]!
    let nearestDistance: bigint | undefined
    for (const call of calls) {
      const distance = time < call.start ? call.start - time : time > call.end ? time - call.end : 0n
      if (nearestDistance === undefined || distance < nearestDistance) {
        nearest = call
        nearestDistance = distance
      }
    }
    ;(nearest.span.events ??= []).push(spanEvent(event, includeContent))
  }
}

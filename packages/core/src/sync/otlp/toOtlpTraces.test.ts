import { describe, expect, test } from 'vitest'
import type { EventType, TapedeckEvent } from '../../events/catalogue'
import { VERSION } from '../../version'
import type { AnyValue, ExportTraceServiceRequest, Span } from './ExportTraceServiceRequest'
import { toOtlpTraces } from './toOtlpTraces'

const S = 's_01JD3Z8Q'
const START = 1_763_766_000_000

// Ids computed independently (FNV-1a in Python) from the session id: see ids.test.ts.
const TRACE = '530e93efe81384aa79eedaba50cf8ff8'
const ROOT = '2a603413e449db38'
const CALL_C1 = 'd255bf0ac23e30f0'
const CALL_C2 = 'd255c20ac23e3609'
const TOOL_T1 = 'd84cb3eb23b43215'
const ERROR_9 = '89c2412d7c9e820b'

function event(seq: number, t: number, type: EventType, data: Record<string, unknown>): TapedeckEvent {
  return { v: 1, id: `e${seq}`, sessionId: S, seq, ts: START + Math.floor(t), t, tab: 't_1', type, data } as TapedeckEvent
}

/** One short session with every kind of span; text that must not leak by default says SECRET. */
const SESSION: TapedeckEvent[] = [
  event(0, 0, 'session.started', { userId: 'u_42', feature: 'support', label: 'Refund flow', tags: ['beta', 'eu'], agentId: 'agent_7' }),
  event(1, 1000, 'message.created', { messageId: 'm1', role: 'user', content: 'SECRET-MESSAGE' }),
  event(2, 1010, 'provider.call.started', {
    callId: 'c1',
    provider: 'openai',
    model: 'gpt-4o-mini',
    params: { temperature: 0.2, max_tokens: 256, top_p: 1 },
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'SECRET-PROMPT' },
    ],
  }),
  event(3, 2210.3, 'provider.call.completed', {
    callId: 'c1',
    model: 'gpt-4o-mini-2024-07-18',
    usage: { inputTokens: 15, outputTokens: 25, cachedTokens: 4 },
    costUsd: 0.0008,
    latencyMs: 1200.3,
    ttftMs: 310,
    finishReason: 'stop',
    response: { text: 'SECRET-ANSWER' },
  }),
  event(4, 2300, 'tool.call.started', { toolCallId: 't1', name: 'lookup_order', args: { orderId: 'SECRET-ARGS' } }),
  event(5, 2345, 'tool.call.completed', { toolCallId: 't1', name: 'lookup_order', result: { status: 'SECRET-RESULT' }, durationMs: 45 }),
  event(6, 2400, 'user.action', { kind: 'click', target: { label: 'SECRET-LABEL' }, url: 'https://app.example/SECRET' }),
  event(7, 3000, 'provider.call.started', { callId: 'c2', provider: 'anthropic', model: 'claude-x' }),
  event(8, 3080, 'provider.call.failed', { callId: 'c2', error: { name: 'APIError', message: 'rate limited', status: 429 }, latencyMs: 80 }),
  event(9, 3100, 'error.raised', { message: 'x is undefined', stack: 'at SECRET-STACK', source: 'window.onerror' }),
  event(10, 3500, 'feedback.submitted', { rating: 1, comment: 'SECRET-COMMENT' }),
  event(11, 4000.5, 'session.ended', { lastSeq: 11, reason: 'user' }),
]

const spansOf = (request: ExportTraceServiceRequest): Span[] => request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))
const attrs = (item: { attributes: Array<{ key: string; value: AnyValue }> }): Record<string, AnyValue> =>
  Object.fromEntries(item.attributes.map(({ key, value }) => [key, value]))
const spanById = (spans: Span[], spanId: string): Span => {
  const span = spans.find((item) => item.spanId === spanId)
  if (!span) throw new Error(`no span ${spanId}`)
  return span
}
const str = (stringValue: string) => ({ stringValue })
const int = (value: number) => ({ intValue: String(value) })
const double = (doubleValue: number) => ({ doubleValue })

describe('toOtlpTraces', () => {
  test('one trace per session, with ids derived from the session and stable across calls', () => {
    const request = toOtlpTraces(SESSION)
    const spans = spansOf(request)
    expect(spans.map((span) => span.spanId)).toEqual([CALL_C1, TOOL_T1, CALL_C2, ERROR_9, ROOT])
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([TRACE]))
    expect(toOtlpTraces(SESSION)).toEqual(request)
    expect(JSON.stringify(toOtlpTraces(structuredClone(SESSION)))).toBe(JSON.stringify(request))
  })

  test('spans name the root span as parent even when the root comes in a later batch', () => {
    const first = spansOf(toOtlpTraces(SESSION.slice(0, 6)))
    const last = spansOf(toOtlpTraces(SESSION.slice(6)))
    expect(first.map((span) => span.spanId)).toEqual([CALL_C1, TOOL_T1])
    expect(first.every((span) => span.parentSpanId === ROOT)).toBe(true)
    const root = spanById(last, ROOT)
    expect(root.parentSpanId).toBeUndefined()
    expect(root.traceId).toBe(first[0]!.traceId)
    expect(spanById(last, CALL_C2).parentSpanId).toBe(ROOT)
  })

  test('the root span covers the session, from ts − t of its end to ts, with its metadata', () => {
    const root = spanById(spansOf(toOtlpTraces(SESSION)), ROOT)
    expect(root).toMatchObject({ name: 'session Refund flow', kind: 1 })
    expect(root.startTimeUnixNano).toBe('1763765999999500000') // 1763766004000 ms − 4000.5 ms
    expect(root.endTimeUnixNano).toBe('1763766004000000000')
    expect(root.status).toBeUndefined()
    expect(attrs(root)).toEqual({
      'gen_ai.conversation.id': str(S),
      'tapedeck.session.status': str('ended'),
      'tapedeck.session.reason': str('user'),
      'tapedeck.session.last_seq': int(11),
      'enduser.id': str('u_42'),
      'tapedeck.feature': str('support'),
      'tapedeck.label': str('Refund flow'),
      'gen_ai.agent.id': str('agent_7'),
      'tapedeck.tags': { arrayValue: { values: [str('beta'), str('eu')] } },
    })
  })

  test('without session.started in the batch the root span is named by the session id', () => {
    const root = spansOf(toOtlpTraces(SESSION.slice(1)))
    expect(spanById(root, ROOT).name).toBe(`session ${S}`)
    expect(attrs(spanById(root, ROOT))['enduser.id']).toBeUndefined()
  })

  test('an interrupted session ends when it was last active, not when the interruption was noticed', () => {
    const noticed = START + 86_400_000
    const interrupted = { ...event(12, 2500, 'session.interrupted', { reason: 'recorder-lost', lastActiveAt: START + 2510 }), ts: noticed }
    const root = spanById(spansOf(toOtlpTraces([interrupted])), ROOT)
    expect(root.endTimeUnixNano).toBe('1763766002510000000')
    expect(root.startTimeUnixNano).toBe('1763766000010000000')
    expect(attrs(root)['tapedeck.session.status']).toEqual(str('interrupted'))
  })

  test('a completed provider call is a CLIENT span `chat {model}` with GenAI attributes typed right', () => {
    const span = spanById(spansOf(toOtlpTraces(SESSION)), CALL_C1)
    expect(span).toMatchObject({ name: 'chat gpt-4o-mini', kind: 3, parentSpanId: ROOT, traceId: TRACE })
    expect(span.startTimeUnixNano).toBe('1763766001009700000') // 1763766002210 ms − 1200.3 ms
    expect(span.endTimeUnixNano).toBe('1763766002210000000')
    expect(span.status).toBeUndefined()
    expect(attrs(span)).toEqual({
      'gen_ai.operation.name': str('chat'),
      'gen_ai.provider.name': str('openai'),
      'gen_ai.request.model': str('gpt-4o-mini'),
      'gen_ai.request.temperature': double(0.2),
      'gen_ai.request.max_tokens': int(256),
      'gen_ai.request.top_p': double(1),
      'gen_ai.conversation.id': str(S),
      'tapedeck.call.id': str('c1'),
      'tapedeck.event.seq': int(3),
      'gen_ai.response.model': str('gpt-4o-mini-2024-07-18'),
      'gen_ai.usage.input_tokens': int(15),
      'gen_ai.usage.output_tokens': int(25),
      'gen_ai.usage.cache_read.input_tokens': int(4),
      'gen_ai.response.finish_reasons': { arrayValue: { values: [str('stop')] } },
      'gen_ai.response.time_to_first_chunk': double(0.31),
      'tapedeck.cost_usd': double(0.0008),
    })
  })

  test('without its started event or a latency, a call is a zero-length span named by the response model', () => {
    const alone = event(3, 2210, 'provider.call.completed', { callId: 'c1', model: 'm', provider: 'groq', usage: { inputTokens: '15', outputTokens: 2.5 }, costUsd: 1 })
    const span = spanById(spansOf(toOtlpTraces([alone])), CALL_C1)
    expect(span.name).toBe('chat m')
    expect(span.startTimeUnixNano).toBe(span.endTimeUnixNano)
    const values = attrs(span)
    expect(values['gen_ai.provider.name']).toEqual(str('groq'))
    expect(values['gen_ai.request.model']).toEqual(str('m'))
    // Wrongly typed values are left out rather than sent with the wrong type; a whole cost stays a double.
    expect(values['gen_ai.usage.input_tokens']).toBeUndefined()
    expect(values['gen_ai.usage.output_tokens']).toBeUndefined()
    expect(values['tapedeck.cost_usd']).toEqual(double(1))
    expect(values['gen_ai.request.temperature']).toBeUndefined()
  })

  test('a call whose request carried this session’s traceparent (propagate) keeps that span id, so its backend’s spans hang below it; another trace’s is not taken', () => {
    const carried = '00f067aa0ba902b7'
    const calls = [
      event(1, 10, 'provider.call.started', { callId: 'c1', provider: 'openai', model: 'm', traceId: TRACE, spanId: carried }),
      event(2, 20, 'provider.call.completed', { callId: 'c1', model: 'm', latencyMs: 10 }),
      event(3, 30, 'provider.call.started', { callId: 'c2', provider: 'openai', model: 'm', traceId: 'ffffffffffffffffffffffffffffffff', spanId: '1111111111111111' }),
      event(4, 40, 'provider.call.failed', { callId: 'c2', error: { name: 'E' }, latencyMs: 10 }),
    ]
    const spans = spansOf(toOtlpTraces(calls))
    expect(spans.map((span) => [span.spanId, span.traceId, span.parentSpanId])).toEqual([
      [carried, TRACE, ROOT],
      [CALL_C2, TRACE, ROOT],
    ])
  })

  test('a failed provider call is an ERROR span with error.type and the request side of its started event', () => {
    const span = spanById(spansOf(toOtlpTraces(SESSION)), CALL_C2)
    expect(span).toMatchObject({ name: 'chat claude-x', kind: 3, parentSpanId: ROOT })
    expect(span.status).toEqual({ code: 2, message: 'rate limited' })
    expect(span.startTimeUnixNano).toBe('1763766003000000000')
    expect(span.endTimeUnixNano).toBe('1763766003080000000')
    expect(attrs(span)).toMatchObject({
      'gen_ai.operation.name': str('chat'),
      'gen_ai.provider.name': str('anthropic'),
      'gen_ai.request.model': str('claude-x'),
      'error.type': str('APIError'),
      'http.response.status_code': int(429),
      'tapedeck.call.id': str('c2'),
    })
    const noName = event(8, 3080, 'provider.call.failed', { callId: 'c2', error: { message: 'busy', status: 503 } })
    expect(attrs(spansOf(toOtlpTraces([noName]))[0]!)['error.type']).toEqual(str('503'))
  })

  test('a tool call is an `execute_tool {name}` span; a tool error makes it ERROR', () => {
    const span = spanById(spansOf(toOtlpTraces(SESSION)), TOOL_T1)
    expect(span).toMatchObject({ name: 'execute_tool lookup_order', kind: 1, parentSpanId: ROOT })
    expect(span.startTimeUnixNano).toBe('1763766002300000000')
    expect(span.endTimeUnixNano).toBe('1763766002345000000')
    expect(span.status).toBeUndefined()
    expect(attrs(span)).toEqual({
      'gen_ai.operation.name': str('execute_tool'),
      'gen_ai.tool.name': str('lookup_order'),
      'gen_ai.tool.call.id': str('t1'),
      'gen_ai.conversation.id': str(S),
      'tapedeck.event.seq': int(5),
    })

    const failed = (error: unknown) =>
      spansOf(toOtlpTraces([event(5, 2345, 'tool.call.completed', { toolCallId: 't1', name: 'lookup_order', error })]))[0]!
    expect(failed('order service down').status).toEqual({ code: 2, message: 'order service down' })
    expect(attrs(failed('order service down'))['error.type']).toEqual(str('_OTHER'))
    expect(failed({ name: 'TimeoutError', message: 'took too long' }).status).toEqual({ code: 2, message: 'took too long' })
    expect(attrs(failed({ name: 'TimeoutError', message: 'x' }))['error.type']).toEqual(str('TimeoutError'))
  })

  test('error.raised is a zero-length ERROR span `error`', () => {
    const span = spanById(spansOf(toOtlpTraces(SESSION)), ERROR_9)
    expect(span).toMatchObject({ name: 'error', kind: 1, parentSpanId: ROOT })
    expect(span.startTimeUnixNano).toBe('1763766003100000000')
    expect(span.endTimeUnixNano).toBe('1763766003100000000')
    expect(span.status).toEqual({ code: 2, message: 'x is undefined' })
    expect(attrs(span)).toEqual({
      'error.type': str('_OTHER'),
      'tapedeck.error.source': str('window.onerror'),
      'gen_ai.conversation.id': str(S),
      'tapedeck.event.seq': int(9),
    })
  })

  test('other events become span events on the call span nearest in time', () => {
    const spans = spansOf(toOtlpTraces(SESSION))
    const events = (spanId: string) => (spanById(spans, spanId).events ?? []).map((item) => item.name)
    expect(events(CALL_C1)).toEqual(['message.created']) // 9.7 ms before the call started
    expect(events(TOOL_T1)).toEqual(['user.action']) // 55 ms after the tool, 190 ms after c1
    expect(events(CALL_C2)).toEqual(['feedback.submitted'])
    expect(spanById(spans, ROOT).events).toBeUndefined()
    expect(spanById(spans, ERROR_9).events).toBeUndefined()

    const message = spanById(spans, CALL_C1).events![0]!
    expect(message.timeUnixNano).toBe('1763766001000000000')
    expect(attrs(message)).toEqual({
      'tapedeck.event.seq': int(1),
      'tapedeck.event.id': str('e1'),
      'tapedeck.data.messageId': str('m1'),
      'tapedeck.data.role': str('user'),
    })
    expect(attrs(spanById(spans, CALL_C2).events![0]!)).toEqual({
      'tapedeck.event.seq': int(10),
      'tapedeck.event.id': str('e10'),
      'tapedeck.data.rating': int(1),
    })
  })

  test('an event as far from two calls goes to the earlier one', () => {
    const spans = spansOf(
      toOtlpTraces([
        event(0, 1000, 'provider.call.completed', { callId: 'c1', model: 'm' }),
        event(1, 1100, 'x.midway', { step: 2 }),
        event(2, 1200, 'provider.call.completed', { callId: 'c2', model: 'm' }),
      ]),
    )
    expect(spanById(spans, CALL_C1).events?.map((item) => item.name)).toEqual(['x.midway'])
    expect(attrs(spanById(spans, CALL_C1).events![0]!)['tapedeck.data.step']).toEqual(int(2))
    expect(spanById(spans, CALL_C2).events).toBeUndefined()
  })

  test('a batch without calls, errors or a session end maps to no spans at all', () => {
    expect(toOtlpTraces([SESSION[0]!, SESSION[1]!, SESSION[2]!, SESSION[6]!])).toEqual({ resourceSpans: [] })
    expect(toOtlpTraces([])).toEqual({ resourceSpans: [] })
  })

  test('no prompt, response, argument, result, stack or free text leaves by default', () => {
    const text = JSON.stringify(toOtlpTraces(SESSION))
    expect(text).not.toContain('SECRET')
    expect(text).not.toContain('Be brief')
    expect(text).not.toContain('gen_ai.input.messages')
  })

  test('includeContent adds the messages in the GenAI schema, tool arguments and results, stacks and event data', () => {
    const spans = spansOf(toOtlpTraces(SESSION, {}, { includeContent: true }))
    const call = attrs(spanById(spans, CALL_C1))
    expect(JSON.parse((call['gen_ai.input.messages'] as { stringValue: string }).stringValue)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'SECRET-PROMPT' }] },
    ])
    expect(JSON.parse((call['gen_ai.output.messages'] as { stringValue: string }).stringValue)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'SECRET-ANSWER' }], finish_reason: 'stop' },
    ])
    const tool = attrs(spanById(spans, TOOL_T1))
    expect(tool['gen_ai.tool.call.arguments']).toEqual(str('{"orderId":"SECRET-ARGS"}'))
    expect(tool['gen_ai.tool.call.result']).toEqual(str('{"status":"SECRET-RESULT"}'))
    expect(attrs(spanById(spans, ERROR_9))['exception.stacktrace']).toEqual(str('at SECRET-STACK'))
    const feedback = spanById(spans, CALL_C2).events![0]!
    expect(attrs(feedback)['tapedeck.event.data']).toEqual(str('{"rating":1,"comment":"SECRET-COMMENT"}'))
  })

  test('the resource carries service.name (default tapedeck) and typed attributes; the scope names the recorder', () => {
    const request = toOtlpTraces(SESSION, { 'service.name': 'shop', 'deployment.environment.name': 'prod', 'app.build': 42, 'app.ratio': 0.5, 'app.beta': true })
    expect(request.resourceSpans).toHaveLength(1)
    expect(attrs(request.resourceSpans[0]!.resource)).toEqual({
      'service.name': str('shop'),
      'deployment.environment.name': str('prod'),
      'app.build': int(42),
      'app.ratio': double(0.5),
      'app.beta': { boolValue: true },
    })
    expect(request.resourceSpans[0]!.scopeSpans[0]!.scope).toEqual({ name: '@tapedeck/core', version: VERSION })
    expect(attrs(toOtlpTraces(SESSION).resourceSpans[0]!.resource)).toEqual({ 'service.name': str('tapedeck') })
  })
})

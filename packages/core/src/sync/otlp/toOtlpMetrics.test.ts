import { describe, expect, test } from 'vitest'
import type { EventType, TapedeckEvent } from '../../events/catalogue'
import { toOtlpMetrics, type HistogramMetric } from './toOtlpMetrics'

const START = 1_763_766_000_000
let seq = 0
function event(sessionId: string, ts: number, type: EventType, data: Record<string, unknown>): TapedeckEvent {
  return { v: 1, id: `e${seq}`, sessionId, seq: seq++, ts: START + ts, t: ts, tab: 't', type, data } as TapedeckEvent
}

const value = (key: string, text: string) => ({ key, value: { stringValue: text } })

describe('toOtlpMetrics', () => {
  test('gen_ai.client.token.usage per token type and gen_ai.client.operation.duration per call, with the conventions’ attributes, buckets and times', () => {
    const events = [
      event('s_1', 0, 'provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'SECRET' }] }),
      event('s_1', 1200, 'provider.call.completed', { callId: 'c1', model: 'gpt-4o-mini-2024-07-18', usage: { inputTokens: 15, outputTokens: 300 }, latencyMs: 1200 }),
      event('s_1', 1300, 'provider.call.started', { callId: 'c2', provider: 'openai', model: 'gpt-4o-mini' }),
      event('s_1', 1350, 'provider.call.completed', { callId: 'c2', model: 'gpt-4o-mini-2024-07-18', usage: { inputTokens: 2, outputTokens: 4 }, latencyMs: 50 }),
      event('s_1', 2000, 'provider.call.failed', { callId: 'c3', provider: 'anthropic', model: 'claude-x', error: { name: 'RateLimitError', status: 429 }, latencyMs: 30 }),
      event('s_1', 2100, 'message.created', { messageId: 'm', role: 'user', content: 'SECRET' }),
    ]
    const request = toOtlpMetrics(events, { 'service.name': 'shop' })
    const [scope] = request.resourceMetrics[0]!.scopeMetrics
    expect(request.resourceMetrics[0]!.resource.attributes).toEqual([value('service.name', 'shop')])
    const byName = Object.fromEntries(scope!.metrics.map((metric) => [metric.name, metric])) as Record<string, HistogramMetric>
    expect(Object.keys(byName)).toEqual(['gen_ai.client.token.usage', 'gen_ai.client.operation.duration'])

    const tokens = byName['gen_ai.client.token.usage']!
    expect(tokens.unit).toBe('{token}')
    expect(tokens.histogram.aggregationTemporality).toBe(1)
    const common = [value('gen_ai.operation.name', 'chat'), value('gen_ai.provider.name', 'openai'), value('gen_ai.request.model', 'gpt-4o-mini'), value('gen_ai.response.model', 'gpt-4o-mini-2024-07-18')]
    const [input, output] = tokens.histogram.dataPoints
    expect(input).toMatchObject({ attributes: [...common, value('gen_ai.token.type', 'input')], count: '2', sum: 17, min: 2, max: 15 })
    expect(output).toMatchObject({ attributes: [...common, value('gen_ai.token.type', 'output')], count: '2', sum: 304, min: 4, max: 300 })
    // Buckets ≤1, ≤4, ≤16, ≤64, ≤256, ≤1024…: 4 in the second, 300 in the sixth.
    expect(output!.bucketCounts.slice(0, 7)).toEqual(['0', '1', '0', '0', '0', '1', '0'])
    expect(output!.explicitBounds[0]).toBe(1)
    // From the first call's start to the last call's end.
    expect(output).toMatchObject({ startTimeUnixNano: `${START}000000`, timeUnixNano: `${START + 1350}000000` })

    const durations = byName['gen_ai.client.operation.duration']!
    expect(durations.unit).toBe('s')
    const [ok, failed] = durations.histogram.dataPoints
    expect(ok).toMatchObject({ attributes: common, count: '2', sum: 1.25, min: 0.05, max: 1.2 })
    expect(failed).toMatchObject({
      attributes: [value('gen_ai.operation.name', 'chat'), value('gen_ai.provider.name', 'anthropic'), value('gen_ai.request.model', 'claude-x'), value('error.type', 'RateLimitError')],
      count: '1',
      sum: 0.03,
    })
    expect(JSON.stringify(request)).not.toContain('SECRET')
  })

  test('a batch without calls gives no metrics; bad numbers are left out, not sent', () => {
    expect(toOtlpMetrics([event('s_2', 0, 'message.created', { messageId: 'm', role: 'user', content: 'hi' })])).toEqual({ resourceMetrics: [] })
    const request = toOtlpMetrics([event('s_2', 10, 'provider.call.completed', { callId: 'c', model: 'm', usage: { inputTokens: 'many', outputTokens: -1 }, latencyMs: Number.NaN })])
    expect(request).toEqual({ resourceMetrics: [] })
  })
})

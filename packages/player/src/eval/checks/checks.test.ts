import { describe, expect, it } from 'vitest'
import { createRedactor } from '@tapedeck/core/redact'
import { makeEvents } from '../../../test/events'
import { loadRecording } from '../../load/loadRecording'
import type { Check, CheckOutcome } from '../Check'
import { createCheckContext } from '../createCheckContext'
import { answerMatches } from './answerMatches'
import { costBudget } from './costBudget'
import { latencyBudget } from './latencyBudget'
import { noFailedCalls } from './noFailedCalls'
import { redactionHeld } from './redactionHeld'
import { toolCalled } from './toolCalled'
import { transcriptConfidence } from './transcriptConfidence'

const session = () =>
  makeEvents('s_checks', [
    [0, 'session.started', {}],
    [10, 'message.created', { messageId: 'u1', role: 'user', content: 'Book it' }],
    [20, 'provider.call.started', { callId: 'c1', provider: 'openai', model: 'm' }],
    [500, 'provider.call.completed', { callId: 'c1', model: 'm', latencyMs: 480, ttftMs: 100, usage: { inputTokens: 300, outputTokens: 50 }, costUsd: 0.002 }],
    [510, 'tool.call.started', { toolCallId: 't1', name: 'book', args: { date: '2026-01-02', seats: 2 } }],
    [520, 'provider.call.started', { callId: 'c2', provider: 'openai', model: 'm' }],
    [900, 'provider.call.completed', { callId: 'c2', model: 'm', latencyMs: 380, ttftMs: 900, usage: { inputTokens: 400, outputTokens: 60 }, costUsd: 0.003 }],
    [910, 'message.created', { messageId: 'a1', role: 'assistant', content: '```json\n{"booked": true, "seats": 2}\n```' }],
    [920, 'transcript.segment', { speaker: 'user', text: 'book it', startT: 0, endT: 10, final: true, confidence: 0.95 }],
    [930, 'transcript.segment', { speaker: 'user', text: 'bock it', startT: 10, endT: 20, final: true, confidence: 0.4 }],
    [940, 'provider.call.started', { callId: 'c3', provider: 'openai', model: 'm' }],
    [950, 'provider.call.failed', { callId: 'c3', error: { name: 'AbortError', message: 'aborted' } }],
    [960, 'provider.call.started', { callId: 'c4', provider: 'openai', model: 'm' }],
  ])

async function run(check: Check, events = session()): Promise<CheckOutcome> {
  return check.run(createCheckContext(await loadRecording(events)))
}

describe('built-in checks', () => {
  it('latency and TTFT budgets: p95 or every call', async () => {
    expect(await run(latencyBudget({ latencyMs: 500 }))).toMatchObject({ passed: true, eventIds: [] })
    expect(await run(latencyBudget({ latencyMs: 400, at: 'every' }))).toMatchObject({ passed: false, eventIds: ['s_checks-e3'], score: 0.5 })
    // Nearest-rank p95 of two samples is the larger one.
    expect(await run(latencyBudget({ latencyMs: 400 }))).toMatchObject({ passed: false })
    expect(await run(latencyBudget({ ttftMs: 500 }))).toMatchObject({ passed: false, eventIds: ['s_checks-e6'] })
  })

  it('cost and token budgets point at the call that crossed them', async () => {
    expect(await run(costBudget({ maxUsd: 0.01, maxTokens: 1000 }))).toMatchObject({ passed: true })
    expect(await run(costBudget({ maxUsd: 0.004 }))).toMatchObject({ passed: false, eventIds: ['s_checks-e6'], details: { exceeded: ['costUsd'] } })
    expect(await run(costBudget({ maxInputTokens: 200 }))).toMatchObject({ passed: false, eventIds: ['s_checks-e3'] })
  })

  it('no failed, aborted or unfinished call', async () => {
    expect(await run(noFailedCalls())).toMatchObject({ passed: false, details: { failed: 0, aborted: 1, unfinished: 1 }, eventIds: ['s_checks-e11', 's_checks-e12'] })
  })

  it('tool arguments against a JSON Schema', async () => {
    const schema = (max: number) => ({ type: 'object', properties: { seats: { type: 'integer', maximum: max } }, required: ['seats'] })
    expect(await run(toolCalled({ name: 'book', args: schema(4) }))).toMatchObject({ passed: true, eventIds: ['s_checks-e4'] })
    const tooMany = await run(toolCalled({ name: 'book', args: schema(1) }))
    expect(tooMany.passed).toBe(false)
    expect((tooMany.details as { argErrors: string[] }).argErrors.join()).toContain('#/seats')
  })

  it('an answer against a regular expression or a JSON Schema (a fenced JSON block parses)', async () => {
    expect(await run(answerMatches({ schema: { type: 'object', properties: { booked: { const: true } }, required: ['booked'] } }))).toMatchObject({ passed: true })
    expect(await run(answerMatches({ schema: { type: 'object', required: ['reference'] } }))).toMatchObject({ passed: false, eventIds: ['s_checks-e7'] })
    expect(await run(answerMatches({ pattern: 'booked' }))).toMatchObject({ passed: true })
    expect(await run(answerMatches({ pattern: /cancelled/ }))).toMatchObject({ passed: false })
  })

  it('a transcript confidence floor, every segment or the mean', async () => {
    expect(await run(transcriptConfidence({ min: 0.6 }))).toMatchObject({ passed: false, eventIds: ['s_checks-e9'] })
    expect(await run(transcriptConfidence({ min: 0.6, at: 'mean' }))).toMatchObject({ passed: true })
  })

  it("redaction held: an answer with an email, a card number or a key fails, with core's redactor by default", async () => {
    expect(await run(redactionHeld())).toMatchObject({ passed: true })
    for (const leak of ['Write to ana@example.com', 'Card 4111 1111 1111 1111 is on file', 'Use key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789']) {
      const events = makeEvents('s_leak', [
        [0, 'session.started', {}],
        [10, 'message.created', { messageId: 'a1', role: 'assistant', content: leak }],
      ])
      expect(await run(redactionHeld(), events), leak).toMatchObject({ passed: false, eventIds: ['s_leak-e1'] })
    }
    // The app's own rules instead: an order number is what it keeps out of answers.
    const orders = createRedactor({ builtins: false, patterns: [{ name: 'order', pattern: /\bORD-\d{6}\b/ }] })
    const order = makeEvents('s_order', [
      [0, 'session.started', {}],
      [10, 'message.created', { messageId: 'a1', role: 'assistant', content: 'Your order ORD-123456, ana@example.com' }],
    ])
    expect(await run(redactionHeld({ redactor: orders }), order)).toMatchObject({ passed: false, eventIds: ['s_order-e1'] })
    expect(await run(redactionHeld({ redactor: createRedactor({ builtins: false }) }), order)).toMatchObject({ passed: true })
  })
})

import { describe, expect, it } from 'vitest'
import { evalRecordings } from '../../test/evalRecordings'
import { toJsonl } from '../export/toJsonl'
import { loadRecording } from '../load/loadRecording'
import { computePassRates } from '../stats/computePassRates'
import { computeStats } from '../stats/computeStats'
import type { Check } from './Check'
import { answerMatches } from './checks/answerMatches'
import { costBudget } from './checks/costBudget'
import { latencyBudget } from './checks/latencyBudget'
import { maxTurns } from './checks/maxTurns'
import { noErrors } from './checks/noErrors'
import { noFailedCalls } from './checks/noFailedCalls'
import { redactionHeld } from './checks/redactionHeld'
import { toolCalled, toolNotCalled } from './checks/toolCalled'
import { transcriptConfidence } from './checks/transcriptConfidence'
import { evaluate } from './evaluate'
import { validationResults } from './validationResults'

const CHECKS: Check[] = [
  latencyBudget({ latencyMs: 1000, at: 'every' }),
  costBudget({ maxUsd: 0.001, maxTokens: 1000 }),
  noFailedCalls(),
  noErrors(),
  toolCalled({ name: 'lookupOrder', args: { type: 'object', properties: { orderId: { type: 'string', pattern: '^[A-Z]\\d{4}$' } }, required: ['orderId'] } }),
  toolNotCalled({ name: 'cancelOrder' }),
  answerMatches({ pattern: /^Order A1042 is shipped/ }),
  maxTurns(3, { ended: true }),
  transcriptConfidence({ min: 0.8 }),
  redactionHeld(),
]

const recordings = evalRecordings

describe('evaluate with the built-in checks', () => {
  it('passes the good recording, fails the slow one on latency only and the wrong-tool one on the tool and the answer', async () => {
    const list = await recordings()
    const evaluation = await evaluate(list, CHECKS)
    const failed = Object.fromEntries(evaluation.recordings.map((r) => [r.sessionId, r.results.filter((x) => !x.passed).map((x) => x.name)]))
    expect(failed).toEqual({
      s_good: [],
      s_slow: ['latency'],
      s_wrong_tool: ['tool:lookupOrder', 'no-tool:cancelOrder', 'answer'],
    })
    expect(evaluation.recordingsPassed).toBe(1)
    expect(evaluation.total).toBe(30)
    expect(evaluation.passed).toBe(26)
    expect(evaluation.checks.latency).toEqual({ passed: 2, total: 3, passRate: 2 / 3 })
    expect(evaluation.checks['tool:lookupOrder']!.passRate).toBe(2 / 3)
    expect(evaluation.checks['no-errors']!.passRate).toBe(1)
  })

  it('points at the events behind a verdict: the slow calls, the wrong tool call, the wrong answer', async () => {
    const [, slow, wrong] = await recordings()
    const evaluation = await evaluate([slow!, wrong!], CHECKS)
    const result = (sessionId: string, name: string) => evaluation.results.find((r) => r.sessionId === sessionId && r.name === name)!
    const slowCalls = slow!.events.filter((e) => e.type === 'provider.call.completed').map((e) => e.id)
    expect(result('s_slow', 'latency').eventIds).toEqual(slowCalls)
    expect(result('s_slow', 'latency').details).toMatchObject({ calls: 2, overBudget: 2 })
    const cancel = wrong!.events.find((e) => e.type === 'tool.call.started')!
    expect((cancel.data as { name: string }).name).toBe('cancelOrder')
    expect(result('s_wrong_tool', 'no-tool:cancelOrder').eventIds).toEqual([cancel.id])
    expect(result('s_wrong_tool', 'tool:lookupOrder').details).toMatchObject({ matching: 0, called: ['cancelOrder'] })
    const answer = wrong!.events.filter((e) => e.type === 'message.created').at(-1)!
    expect(result('s_wrong_tool', 'answer').eventIds).toEqual([answer.id])
  })

  it('writes validation.result annotations that stats, pass rates and exports read back', async () => {
    const list = await recordings()
    const before = list.map((r) => r.events)
    await evaluate(list, CHECKS, { author: 'ci' })
    // The events are never touched: results are annotations beside them.
    expect(list.map((r) => r.events)).toEqual(before)
    const wrong = list[2]!
    const annotation = wrong.annotations.find((a) => a.annotationId === 'validation:no-tool:cancelOrder')!
    expect(annotation).toMatchObject({ kind: 'label', key: 'validation.result', author: 'ci', value: { name: 'no-tool:cancelOrder', passed: false, score: 0 } })
    expect(annotation.target).toEqual({ eventId: wrong.events.find((e) => e.type === 'tool.call.started')!.id })

    // Evaluating again replaces each check's verdict instead of piling them up.
    await evaluate(list, CHECKS)
    expect(wrong.annotations.filter((a) => a.key === 'validation.result')).toHaveLength(CHECKS.length)

    expect(computeStats(wrong).checks['answer']).toEqual({ passed: 0, total: 1, passRate: 0 })
    expect(computeStats(list[0]!).checks['answer']).toEqual({ passed: 1, total: 1, passRate: 1 })

    const rates = computePassRates(list, { by: 'agent' })
    expect(rates.all.checks.latency).toEqual({ passed: 2, total: 3, passRate: 2 / 3 })
    expect(rates.groups.map((g) => [g.key, g.sessions, g.checks.latency!.passRate])).toEqual([
      ['support@1', 2, 1],
      ['support@2', 1, 0],
    ])
    // The three were recorded in one run of the fixture script: one day.
    expect(computePassRates(list, { by: 'day' }).groups.map((g) => [g.key, g.sessions])).toEqual([[new Date(list[0]!.startedAt!).toISOString().slice(0, 10), 3]])
    expect(computePassRates(list, { by: 'model' }).groups.map((g) => [g.key, g.passed, g.total])).toEqual([['gpt-4o-mini', 26, 30]])

    const reloaded = await loadRecording(toJsonl(wrong))
    expect(validationResults(reloaded).map((r) => [r.name, r.passed])).toEqual(validationResults(wrong).map((r) => [r.name, r.passed]))
  })

  it('fails a check that throws, with its error, and still runs the others', async () => {
    const [good] = await recordings()
    const broken: Check = {
      name: 'broken',
      run() {
        throw new Error('boom')
      },
    }
    const evaluation = await evaluate(good!, [broken, noErrors()])
    expect(evaluation.results.map((r) => [r.name, r.passed, r.errored ?? false])).toEqual([
      ['broken', false, true],
      ['no-errors', true, false],
    ])
    expect(evaluation.results[0]!.details).toEqual({ error: { message: 'boom' } })
    await expect(evaluate(good!, [noErrors(), noErrors()])).rejects.toMatchObject({ code: 'invalid_options' })

    // Details JSON cannot hold keep the verdict; the annotation says why the details are gone.
    const odd: Check = { name: 'odd', run: () => ({ passed: true, details: { n: 1n } }) }
    const kept = await evaluate(good!, [odd, noErrors()])
    expect(kept.results[0]).toMatchObject({ name: 'odd', passed: true, errored: true, details: { error: { message: expect.stringContaining('BigInt') } } })
    expect(validationResults(good!).map((r) => [r.name, r.passed])).toEqual([['broken', false], ['no-errors', true], ['odd', true]])
  })
})

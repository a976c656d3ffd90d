import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../../../../e2e/support/mockLlm'
import { evalEvents } from '../../test/evalRecordings'
import { loadRecording } from '../load/loadRecording'
import { createCheckContext } from './createCheckContext'
import { evaluate } from './evaluate'
import { judge, parseVerdict, type JudgeDetails } from './judge'
import { vote } from './vote'

let mock: MockLlm
const runs = evalEvents()

beforeAll(async () => {
  mock = await startMockLlm() // the judges' model
})

afterAll(() => mock?.close())

// Two judges scripted through the mock LLM: its `reply=` path segment is the judge model's answer.
const endpoint = (tag: string, reply: string) => `${mock.url}/tag=${tag}/reply=${encodeURIComponent(reply)}/v1`
const CRITERIA = 'The assistant answers the question about the order, correctly and briefly.'
const lenient = () => judge({ name: 'judge-lenient', criteria: CRITERIA, model: 'gpt-4o-mini', endpoint: endpoint('lenient', '{"score": 5, "reason": "Answers the question."}'), apiKey: 'sk-judge-secret' })
const strict = () =>
  judge({ name: 'judge-strict', criteria: CRITERIA, model: 'gpt-4o-mini', endpoint: endpoint('strict', 'Score: 2\nReason: It does not say sorry for the wait.'), scale: { min: 1, max: 5, pass: 5 } })

describe('LLM judges', () => {
  it('a lenient and a strict judge give the expected pass rates, alone and voting', async () => {
    const recordings = await Promise.all(runs.map((events) => loadRecording(events)))
    const evaluation = await evaluate(recordings, [lenient(), strict(), vote([lenient(), strict()], { name: 'majority' }), vote([lenient(), strict()], { name: 'any', rule: 'any' })])
    expect(Object.fromEntries(Object.entries(evaluation.checks).map(([name, rate]) => [name, rate.passRate]))).toEqual({ 'judge-lenient': 1, 'judge-strict': 0, majority: 0, any: 1 })

    const strictResult = evaluation.results.find((r) => r.name === 'judge-strict')!
    expect(strictResult.score).toBe(0.25) // 2 on 1–5
    expect(strictResult.details).toMatchObject({ score: 2, reason: 'It does not say sorry for the wait.' })
    const any = evaluation.results.find((r) => r.name === 'any')!
    expect(any.details).toMatchObject({ rule: 'any', yes: 1, no: 1 })
    expect((any.details as { votes: unknown[] }).votes).toHaveLength(2)
  })

  it("records the judge's own call, cost and prompt version, and never touches the recording it judges", async () => {
    const recording = await loadRecording(runs[0]!)
    const before = JSON.stringify(recording.events)
    const outcome = await lenient().run(createCheckContext(recording))
    const details = outcome.details as JudgeDetails
    expect(outcome).toMatchObject({ passed: true, score: 1 })
    expect(details.promptVersion).toMatch(/^judge-1:[0-9a-f]{8}$/)
    expect(details.judge.call).toMatchObject({ status: 'completed', model: 'gpt-4o-mini' })
    expect(details.judge.call!.costUsd).toBeGreaterThan(0)
    expect((details.judge.call!.usage as { inputTokens: number }).inputTokens).toBeGreaterThan(0)
    expect(JSON.stringify(recording.events)).toBe(before)
    expect(recording.annotations).toEqual([])

    // The judge saw the conversation and the criteria; the key went as a header and is in no result.
    const request = mock.requests.filter((r) => r.scenario.tag === 'lenient').at(-1)!
    const messages = (request.body as { messages: Array<{ content: string }> }).messages
    expect(messages[0]!.content).toContain(CRITERIA)
    expect(messages[1]!.content).toBe(
      'user: Where is my order A1042?\ntool call lookupOrder({"orderId":"A1042"})\ntool result lookupOrder: {"orderId":"A1042","status":"shipped","eta":"Thursday"}\nassistant: Order A1042 is shipped, arriving Thursday.',
    )
    expect(request.headers.authorization).toBe('Bearer sk-judge-secret')
    expect(JSON.stringify(outcome)).not.toContain('sk-judge-secret')
  })

  it('a judge that answers with an error fails with the error and its failed call', async () => {
    const recording = await loadRecording(runs[0]!)
    const broken = judge({ criteria: CRITERIA, model: 'gpt-4o-mini', endpoint: `${mock.url}/status=500/v1` })
    const evaluation = await evaluate(recording, [broken])
    expect(evaluation.results[0]).toMatchObject({ passed: false, details: { score: null, judge: { call: { status: 'failed' } } } })
    expect((evaluation.results[0]!.details as JudgeDetails).error).toMatch(/^The judge answered 500/)
  })

  it('reads a score from JSON, from "score: n", or from a leading number', () => {
    expect(parseVerdict('Sure! {"score": "4", "reason": "ok"}')).toEqual({ score: 4, reason: 'ok' })
    expect(parseVerdict('SCORE = 3.5\nreason: fine')).toEqual({ score: 3.5, reason: 'fine' })
    expect(parseVerdict('2 — too long')).toEqual({ score: 2, reason: null })
    expect(parseVerdict('I cannot rate this.')).toEqual({ score: null, reason: null })
  })
})

import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../../../../e2e/support/mockLlm'
import { createSupportAgent, SYSTEM } from '../../../../playground/src/llm/supportAgent'
import { CONVERSATION_FILE } from '../../test/evalRecordings'
import { answerMatches } from '../eval/checks/answerMatches'
import { toolCalled } from '../eval/checks/toolCalled'
import { loadRecording } from '../load/loadRecording'
import type { Recording } from '../recording/Recording'
import { replaySession, type ReplayRunContext } from './replaySession'

// A conversation of three turns ('Hello there', 'Where is my order A1042?', 'And order B2001?')
// in the playground's chat, recorded by the real recorder in Chromium against the mock LLM
// (scripts/recordEvalFixtures.mjs).
const RECORDED = readFileSync(CONVERSATION_FILE, 'utf8')
let mock: MockLlm

beforeAll(async () => {
  mock = await startMockLlm() // the live mode's model
})

afterAll(() => mock?.close())

/**
 * The playground's own agent, driven by the replay: the recorded user turns go in, its tool
 * calls get the recorded results, and it records the messages as the chat page does.
 */
function playgroundRun(options: { system?: string; baseURL?: string } = {}) {
  const toolsRun: string[] = []
  const run = async ({ fetch, recorder, userTurns, toolResult }: ReplayRunContext) => {
    const agent = createSupportAgent({
      baseURL: options.baseURL ?? 'https://api.openai.com/v1',
      fetch,
      recorder: recorder as never,
      ...(options.system && { system: options.system }),
      runTool: async (name) => {
        toolsRun.push(name)
        const recordedOutcome = toolResult(name)
        if (!recordedOutcome.found) throw new Error(`No recorded result for ${name}`)
        return recordedOutcome.result
      },
    })
    for (const [i, turn] of userTurns.entries()) {
      recorder.record('message.created', { messageId: `u${i}`, role: 'user', content: turn })
      const answer = await agent.send(turn, { onText() {}, onTool() {} })
      recorder.record('message.created', { messageId: `a${i}`, role: 'assistant', content: answer })
    }
  }
  return { run, toolsRun }
}

const CHECKS = [toolCalled({ name: 'lookupOrder', min: 2 }), answerMatches({ pattern: /^Order B2001 is processing/ })]

describe('replaySession', () => {
  let recording: Recording
  beforeAll(async () => {
    recording = await loadRecording(RECORDED)
  })

  it('re-runs the playground agent on the recorded conversation: unchanged, strict, checks pass', async () => {
    const { run, toolsRun } = playgroundRun()
    const result = await replaySession(recording, { run, mode: 'strict', checks: CHECKS })
    expect(result.error).toBeUndefined()
    expect(result.diff).toEqual({ messages: [], toolCalls: [], requests: [], same: true })
    expect(result.log.map((entry) => entry.match)).toEqual(['exact', 'exact', 'exact', 'exact', 'exact'])
    expect(result.mismatches).toEqual([])
    expect(result.unused).toBe(0)
    expect(toolsRun).toEqual(['lookupOrder', 'lookupOrder'])
    expect(result.evaluation!.passed).toBe(2)
    expect(result.passed).toBe(true)
    // The new run is a recording of its own, with the calls, the tools and the messages.
    expect(result.recording.sessionId).toBe('s_conversation~replay')
    expect(result.recording.events.filter((e) => e.type === 'provider.call.completed')).toHaveLength(5)
    expect(result.recording.annotations.map((a) => a.annotationId)).toEqual(['validation:tool:lookupOrder', 'validation:answer'])
    expect(recording.annotations).toEqual([])
  })

  it('reports exactly the changed turn when the system prompt is edited', async () => {
    const edited = `${SYSTEM} Always answer in English.`
    const { run } = playgroundRun({ system: edited })
    const result = await replaySession(recording, { run, mode: 'strict' })
    expect(result.diff.messages).toEqual([{ index: 0, role: 'system', recorded: { role: 'system', content: SYSTEM }, replayed: { role: 'system', content: edited } }])
    expect(result.diff.toolCalls).toEqual([])
    expect(result.diff.requests).toEqual([])
    // Strict: no request was the recorded one (each carries the system prompt).
    expect(result.mismatches.map((m) => m.match)).toEqual(['model', 'model', 'model', 'model', 'model'])
    expect(result.passed).toBe(false)

    const loose = await replaySession(recording, { run: playgroundRun({ system: edited }).run, mode: 'loose' })
    expect(loose.mismatches).toEqual([])
    expect(loose.diff.messages.map((m) => m.index)).toEqual([0])
    expect(loose.passed).toBe(false)
  })

  it('live: the model answers again (the mock LLM), and the conversation still passes', async () => {
    const { run } = playgroundRun({ baseURL: `${mock.url}/v1` })
    const result = await replaySession(recording, { run, mode: 'live', checks: CHECKS })
    expect(result.log).toEqual([])
    expect(result.diff.same).toBe(true)
    expect(result.passed).toBe(true)
  })

  it('reports a changed tool call and a changed answer, and a run that throws', async () => {
    // The app now asks about another order in its second turn: the tool call and the answers change.
    const { run } = playgroundRun()
    const changed = await replaySession(recording, {
      mode: 'live',
      run: (context) => run({ ...context, userTurns: context.userTurns.map((turn) => turn.replace('A1042', 'C3300')), toolResult: () => ({ found: true, result: { orderId: 'C3300', status: 'delivered' } }) }),
      fetch: (input, init) => globalThis.fetch(String(input).replace('https://api.openai.com', mock.url), init),
    })
    expect(changed.diff.toolCalls.map((c) => [c.index, c.recorded?.args, c.replayed?.args])).toEqual([[0, { orderId: 'A1042' }, { orderId: 'C3300' }]])
    // Turn 3 is the user's second question (system, hello, answer, then this one).
    expect(changed.diff.messages[0]).toMatchObject({ index: 3, role: 'user', recorded: { content: 'Where is my order A1042?' }, replayed: { content: 'Where is my order C3300?' } })

    const failing = await replaySession(recording, { run: () => Promise.reject(new Error('agent broke')) })
    expect(failing).toMatchObject({ passed: false, error: { message: 'agent broke' }, unused: 5 })
    expect(failing.diff.requests).toEqual([{ index: -1, field: 'calls', recorded: 5, replayed: 0 }])
  })
})

/**
 * Recordings of the playground's support agent (playground/src/llm/supportAgent.ts) talking to the
 * mock LLM (e2e/support/mockLlm.ts), made in Node: the agent's OpenAI client goes through core's
 * fetch instrumentation, the agent records its tool calls, and the conversation's messages and a
 * voice transcript of each user turn are recorded beside them — the events a recorder in the page
 * stores for the same chat.
 */
import type { JsonObject, TapedeckEvent } from '@tapedeck/core'
import { createInstrumentedFetch } from '@tapedeck/core/instrument'
import { createSupportAgent } from '../../../playground/src/llm/supportAgent'

export interface SupportRun {
  sessionId: string
  /** The user's turns. */
  turns: string[]
  /** Mock scenario path segments per call (`headers=1200`, `tool=cancelOrder`); the last one applies to every later call. */
  scenarios?: string[]
  system?: string
  agentId?: string
}

const TS = 1_764_892_800_000 // 2025-12-05T00:00:00Z

export async function recordSupportRun(mockUrl: string, run: SupportRun): Promise<TapedeckEvent[]> {
  const start = performance.now()
  const events: TapedeckEvent[] = []
  const record = (type: string, data: unknown) => {
    const t = Math.round((performance.now() - start) * 10) / 10
    events.push({ v: 1, id: `${run.sessionId}-${events.length}`, sessionId: run.sessionId, seq: events.length, ts: TS + Math.round(t), t, tab: 'node', type: type as TapedeckEvent['type'], data: data as JsonObject })
  }
  record('session.started', { feature: 'support', agentId: run.agentId ?? 'support@1', tags: ['eval'] })
  let calls = 0
  const scenarios = run.scenarios ?? []
  const scripted = (input: RequestInfo | URL, init?: RequestInit) => {
    const scenario = scenarios[Math.min(calls++, scenarios.length - 1)]
    const url = String(input)
    return globalThis.fetch(scenario ? url.replace('/v1/', `/${scenario}/v1/`) : url, init)
  }
  const fetch = createInstrumentedFetch({ record } as never, { fetch: scripted })
  const agent = createSupportAgent({ baseURL: `${mockUrl}/v1`, fetch, recorder: { record } as never, ...(run.system && { system: run.system }) })
  for (const [i, turn] of run.turns.entries()) {
    const at = performance.now() - start
    record('transcript.segment', { speaker: 'user', text: turn, startT: Math.max(0, at - 900), endT: at, confidence: 0.92, final: true })
    record('message.created', { messageId: `u${i}`, role: 'user', content: turn })
    const answer = await agent.send(turn, { onText() {}, onTool() {} })
    await fetch.settled()
    record('message.created', { messageId: `a${i}`, role: 'assistant', content: answer })
  }
  record('session.ended', { lastSeq: events.length })
  return events
}

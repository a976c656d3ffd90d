/** A long synthetic session for benchmarks: a cycle of 10 event types, one event every 50 ms. */
import type { TapedeckEvent } from '@tapedeck/core'

const START = 1_763_766_000_000

export function syntheticEvent(sessionId: string, seq: number, count: number): TapedeckEvent {
  const t = seq * 50
  const turn = Math.floor(seq / 10)
  const base = { v: 1 as const, id: `e${seq}`, sessionId, seq, ts: START + t, t, tab: 'tab1' }
  if (seq === 0) return { ...base, type: 'session.started', data: { userId: 'u_bench', feature: 'bench' } }
  if (seq === count - 1) return { ...base, type: 'session.ended', data: { lastSeq: seq } }
  switch (seq % 10) {
    case 0: return { ...base, type: 'user.action', data: { kind: 'click', target: '#send' } }
    case 1: return { ...base, type: 'message.created', data: { messageId: `u${turn}`, role: 'user', content: `Question number ${turn}?` } }
    case 2: return { ...base, type: 'provider.call.started', data: { callId: `c${turn}`, provider: 'openai', model: 'gpt-4o-mini' } }
    case 3: return { ...base, type: 'provider.call.completed', data: { callId: `c${turn}`, model: 'gpt-4o-mini', usage: { inputTokens: 120, outputTokens: 30 }, costUsd: 0.00004, latencyMs: 900, ttftMs: 250, finishReason: 'stop', response: { text: `Answer ${turn}.` } } }
    case 4: return { ...base, type: 'tool.call.started', data: { toolCallId: `t${turn}`, name: 'lookup', args: { q: turn } } }
    case 5: return { ...base, type: 'tool.call.completed', data: { toolCallId: `t${turn}`, name: 'lookup', durationMs: 40 } }
    case 6: return { ...base, type: 'message.created', data: { messageId: `a${turn}`, role: 'assistant', content: `Answer ${turn}.` } }
    case 7: return { ...base, type: 'transcript.segment', data: { speaker: 'user', text: `Question number ${turn}?`, startT: t - 300, endT: t - 100, final: true } }
    case 8: return { ...base, type: 'metric.sampled', data: { name: 'fps', value: 60 } }
    default: return { ...base, type: 'x.step', data: { n: turn } }
  }
}

export function syntheticSession(count: number, sessionId = 's_bench'): TapedeckEvent[] {
  const events = new Array<TapedeckEvent>(count)
  for (let seq = 0; seq < count; seq++) events[seq] = syntheticEvent(sessionId, seq, count)
  return events
}

/** The same session as NDJSON text, built without holding the event objects. */
export function syntheticNdjson(count: number, sessionId = 's_bench'): string {
  const lines = new Array<string>(count)
  for (let seq = 0; seq < count; seq++) lines[seq] = JSON.stringify(syntheticEvent(sessionId, seq, count))
  return `${lines.join('\n')}\n`
}

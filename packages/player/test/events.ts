/** Builders for hand-made sessions in tests. */
import type { JsonObject, TapedeckEvent } from '@tapedeck/core'

export const START_TS = 1_763_766_000_000

export type Spec = [t: number, type: string, data?: JsonObject, extra?: Partial<TapedeckEvent>]

/** Events of one session from `[t, type, data]` rows: seq in row order, `ts` = START_TS + t. */
export function makeEvents(sessionId: string, rows: Spec[]): TapedeckEvent[] {
  return rows.map(([t, type, data = {}, extra = {}], seq) => ({
    v: 1,
    id: `${sessionId}-e${seq}`,
    sessionId,
    seq,
    ts: START_TS + Math.round(t),
    t,
    tab: 'tab1',
    type: type as TapedeckEvent['type'],
    data,
    ...extra,
  }))
}

export const SESSION = 's_support'

/**
 * A support chat with numbers chosen to be checked by hand (see computeStats.test.ts and
 * ReplayPlayer.test.ts): 4 finished calls (3 completed, 1 failed), 1 left unfinished, 2 tools
 * (one failing), 4 messages, 3 user actions, one 10-minute idle gap, a snapshot and a recorded
 * annotation.
 */
export function supportSession(): TapedeckEvent[] {
  return makeEvents(SESSION, [
    [0, 'session.started', { userId: 'u1', feature: 'support' }],
    [100, 'user.action', { kind: 'click', target: '#chat' }],
    [1000, 'message.created', { messageId: 'm1', role: 'user', content: 'Where is my order?' }],
    [1010, 'provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my order?' }] }],
    [2210, 'provider.call.completed', {
      callId: 'c1', provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 100, outputTokens: 20, cachedTokens: 50 },
      costUsd: 0.0004, latencyMs: 1200, ttftMs: 300, finishReason: 'tool_calls',
      response: { text: '', toolCalls: [{ id: 'call_1', name: 'lookupOrder', arguments: { orderId: 42 } }] },
    }],
    [2220, 'tool.call.started', { toolCallId: 't1', name: 'lookupOrder', args: { orderId: 42 } }],
    [2470, 'tool.call.completed', { toolCallId: 't1', name: 'lookupOrder', result: { status: 'shipped' }, durationMs: 250 }],
    [2480, 'provider.call.started', { callId: 'c2', provider: 'openai', model: 'gpt-4o-mini' }],
    [3280, 'provider.call.completed', {
      callId: 'c2', provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 150, outputTokens: 40, reasoningTokens: 10 },
      costUsd: 0.0006, latencyMs: 800, ttftMs: 200, finishReason: 'stop', response: { text: 'Your order ships tomorrow.' },
    }],
    [3290, 'message.created', { messageId: 'm2', role: 'assistant', content: 'Your order ships tomorrow.' }],
    [4000, 'snapshot.created', {
      snapshotId: 's1', description: 'after answer',
      state: { messages: [{ role: 'user', content: 'Where is my order?' }, { role: 'assistant', content: 'Your order ships tomorrow.' }], systemPrompt: 'You are helpful.', model: 'gpt-4o-mini', tools: ['lookupOrder'] },
    }],
    [5000, 'user.action', { kind: 'input', target: '#box' }],
    [5100, 'message.created', { messageId: 'm3', role: 'user', content: 'Can I change the address?' }],
    [5110, 'provider.call.started', { callId: 'c3', provider: 'openai', model: 'gpt-4o-mini' }],
    [5610, 'provider.call.failed', { callId: 'c3', error: { name: 'RateLimitError', message: 'Rate limit reached', status: 429 }, latencyMs: 500 }],
    [5620, 'error.raised', { message: 'Rate limited', source: 'app' }],
    // ten minutes of nothing
    [605_620, 'user.action', { kind: 'click', target: '#retry' }],
    [605_700, 'provider.call.started', { callId: 'c4', provider: 'openai', model: 'gpt-4o-mini' }],
    [606_700, 'provider.call.completed', {
      callId: 'c4', provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 200, outputTokens: 30 },
      costUsd: 0.0005, latencyMs: 1000, ttftMs: 400, finishReason: 'stop', response: { text: 'Yes, I can change it.' },
    }],
    [606_710, 'message.created', { messageId: 'm4', role: 'assistant', content: 'Yes, I can change it.' }],
    [606_800, 'tool.call.started', { toolCallId: 't2', name: 'changeAddress', args: { to: 'Main St 1' } }],
    [607_100, 'tool.call.completed', { toolCallId: 't2', name: 'changeAddress', durationMs: 300, error: 'address invalid' }],
    [607_200, 'annotation.added', { annotationId: 'a1', kind: 'label', key: 'topic', value: 'shipping', target: 'session' }],
    [607_500, 'provider.call.started', { callId: 'c5', provider: 'openai', model: 'gpt-4o-mini' }],
    [608_000, 'session.ended', { lastSeq: 24 }],
  ])
}

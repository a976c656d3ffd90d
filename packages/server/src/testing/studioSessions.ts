import type { WireEvent } from '../store/SessionStore.js'
import { event } from './events.js'

/** Fixtures of the Studio contract: the day it starts on, and three sessions (STUDIO_SESSIONS). */
export const DAY0 = Date.UTC(2026, 10, 2)
export const HOUR = 3_600_000
/** The handler's keys: one of each kind. */
export const KEYS = { ingestKeys: ['in-1'], readKeys: ['read-1'], reviewKeys: ['review-1'], adminKeys: ['admin-1'] }

/** A session: its events (seq 0 the start at `startedAt`), `t` 100 ms a seq. */
export function session(id: string, startedAt: number, metadata: Record<string, unknown>, body: Array<[string, Record<string, unknown>]>): WireEvent[] {
  const events = [event(id, 0, 'session.started', metadata), ...body.map(([type, data], i) => event(id, i + 1, type, data))]
  events.push(event(id, events.length, 'session.ended', { lastSeq: events.length }))
  return events.map((e) => ({ ...e, ts: startedAt + e.seq * 100 }))
}

/** A finished provider call of `model`, as its session's body entry; tokens in, out, cached, reasoning. */
export const completed = (callId: string, model: string, costUsd: number, latencyMs: number, ttftMs: number, tokens = [100, 50, 10, 5]) =>
  [
    'provider.call.completed',
    { callId, model, costUsd, latencyMs, ttftMs, usage: { inputTokens: tokens[0], outputTokens: tokens[1], cachedTokens: tokens[2], reasoningTokens: tokens[3] } },
  ] as [string, Record<string, unknown>]

/**
 * alpha (day 0, u_a, tags vip+beta, label gold): gpt-4o $0.01 and gpt-4o-mini $0.002, a transcript.
 * beta (day 0 + 1 h, u_b, tag beta): gpt-4o $0.03 and a failed gpt-4o call, an error, 90 s of
 * audio, a tool call with arguments. gamma (day 1, u_a): one message, no calls.
 */
export const STUDIO_SESSIONS = {
  alpha: session('s_alpha', DAY0, { userId: 'u_a', feature: 'chat', agentId: 'ag_1', tags: ['vip', 'beta'], label: 'gold' }, [
    ['message.created', { messageId: 'm1', role: 'user', content: 'Where is my money?' }],
    ['provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o', messages: [{ role: 'user', content: 'Where is my money?' }] }],
    completed('c1', 'gpt-4o', 0.01, 1000, 200),
    ['provider.call.started', { callId: 'c2', provider: 'openai', model: 'gpt-4o-mini' }],
    completed('c2', 'gpt-4o-mini', 0.002, 400, 100, [20, 10, 0, 0]),
    ['transcript.segment', { speaker: 'agent', text: 'Good news: the refund was approved yesterday.', startT: 0, endT: 900, final: true }],
  ]),
  beta: session('s_beta', DAY0 + HOUR, { userId: 'u_b', feature: 'voice', agentId: 'ag_2', tags: ['beta'] }, [
    ['provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o' }],
    completed('c1', 'gpt-4o', 0.03, 3000, 600, [300, 200, 0, 40]),
    ['tool.call.started', { toolCallId: 't1', name: 'lookupOrder', args: { orderId: 'ZX81', city: 'Lisbon' } }],
    ['provider.call.started', { callId: 'c2', provider: 'openai', model: 'gpt-4o' }],
    ['provider.call.failed', { callId: 'c2', error: { name: 'APIError', message: 'overloaded' }, latencyMs: 50 }],
    ['error.raised', { message: 'widget crashed' }],
    ['audio.input', { blobId: 'b1', part: 0, mimeType: 'audio/webm', startT: 0, durationMs: 90_000, bytes: 3 }],
  ]),
  gamma: session('s_gamma', DAY0 + 24 * HOUR, { userId: 'u_a', feature: 'chat' }, [['message.created', { messageId: 'm1', role: 'user', content: 'hello from Lisbon' }]]),
}

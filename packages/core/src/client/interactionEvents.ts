import { TapedeckError } from '../errors'
import { describeError } from '../events/describeError'
import type { ProviderCallCompletedData, ProviderCallFailedData, ProviderCallStartedData } from '../events/catalogue'
import type { Interaction } from './types'

export type InteractionEvents =
  | [['provider.call.started', ProviderCallStartedData], ['provider.call.completed', ProviderCallCompletedData]]
  | [['provider.call.started', ProviderCallStartedData], ['provider.call.failed', ProviderCallFailedData]]

/**
 * The catalogue's events for one interaction in the shape cost dashboards log it: tokens →
 * `usage`, cost → `costUsd`, latency → `latencyMs`, requestMetadata → `params`, prompt →
 * `messages`; an `error` makes the second event `provider.call.failed`.
 */
export function interactionEvents(interaction: Interaction, callId: string): InteractionEvents {
  const { model, provider = 'unknown', prompt, response, tokens, cost, latency, ttft, finishReason, requestMetadata, error } = interaction
  // Fields left undefined are not in the event: its JSON leaves them out.
  const started: ProviderCallStartedData = { callId, provider, model, params: requestMetadata, messages: typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt }
  if (error !== undefined) return [['provider.call.started', started], ['provider.call.failed', { callId, error: describeError(error), latencyMs: latency }]]
  const usage = tokens ? { inputTokens: tokens.input, outputTokens: tokens.output, cachedTokens: tokens.cached, reasoningTokens: tokens.reasoning } : undefined
  return [['provider.call.started', started], ['provider.call.completed', { callId, model, provider, response, usage, costUsd: cost, latencyMs: latency, ttftMs: ttft, finishReason }]]
}

/** The wall-clock time an interaction happened, epoch ms: `timestamp` (a Date or epoch ms), else now. */
export function interactionTime(timestamp: Interaction['timestamp'], now: number): number {
  if (timestamp === undefined) return now
  const ms = timestamp instanceof Date ? timestamp.getTime() : timestamp
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new TapedeckError('invalid_event_data', `An interaction's timestamp is a Date or epoch milliseconds, got ${String(timestamp)}.`)
  }
  return ms
}

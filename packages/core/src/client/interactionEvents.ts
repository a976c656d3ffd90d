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
  const { model, provider = 'unknown', prompt, response, tokens, cost, latency, ttft, finishReason, requestMetadata } = interaction
  const started: ProviderCallStartedData = { callId, provider, model }
  if (requestMetadata !== undefined) started.params = requestMetadata
  if (prompt !== undefined) started.messages = typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt
  if (interaction.error !== undefined) {
    const failed: ProviderCallFailedData = { callId, error: describeError(interaction.error), ...(latency !== undefined && { latencyMs: latency }) }
    return [['provider.call.started', started], ['provider.call.failed', failed]]
  }
  const completed: ProviderCallCompletedData = { callId, model, provider }
  if (response !== undefined) completed.response = response
  if (tokens) {
    completed.usage = {
      inputTokens: tokens.input,
      outputTokens: tokens.output,
      ...(tokens.cached !== undefined && { cachedTokens: tokens.cached }),
      ...(tokens.reasoning !== undefined && { reasoningTokens: tokens.reasoning }),
    }
  }
  if (cost !== undefined) completed.costUsd = cost
  if (latency !== undefined) completed.latencyMs = latency
  if (ttft !== undefined) completed.ttftMs = ttft
  if (finishReason !== undefined) completed.finishReason = finishReason
  return [['provider.call.started', started], ['provider.call.completed', completed]]
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

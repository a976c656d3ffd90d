import type { ErrorDescription, JsonObject, ProviderCallCompletedData, ProviderCallStartedData, Recorder } from '@tapedeck/core'
import { createId } from './createId'
import { toErrorDescription } from './toErrorDescription'

/** One LLM call, in the shape cost dashboards log it. */
export interface Interaction {
  model: string
  /** `openai`, `anthropic`, …; `unknown` when not given. */
  provider?: string
  /** The prompt: a string (one user message) or the messages sent. */
  prompt?: string | unknown[]
  response?: unknown
  /** `total` is accepted and not stored: it is input + output. */
  tokens?: { input: number; output: number; cached?: number; reasoning?: number; total?: number }
  /** In US dollars. */
  cost?: number
  /** Milliseconds from request to the last byte. */
  latency?: number
  /** Milliseconds to the first token. */
  ttft?: number
  finishReason?: string
  /** Request parameters (temperature, max tokens, …): stored as `params`. */
  requestMetadata?: JsonObject
  /** Defaults to a new id. */
  callId?: string
  /** The call failed: records `provider.call.failed` instead of `provider.call.completed`. */
  error?: unknown
}

/**
 * Records an interaction as `provider.call.started` + `provider.call.completed` (or `.failed`),
 * mapped to the catalogue: tokens → `usage`, cost → `costUsd`, latency → `latencyMs`,
 * requestMetadata → `params`, prompt → `messages`. Returns the call id.
 */
export function recordInteraction(recorder: Recorder, interaction: Interaction): string {
  const { model, provider = 'unknown', prompt, response, tokens, cost, latency, ttft, finishReason, requestMetadata } = interaction
  const callId = interaction.callId ?? createId('call_')
  const started: ProviderCallStartedData = { callId, provider, model }
  if (requestMetadata !== undefined) started.params = requestMetadata
  if (prompt !== undefined) started.messages = typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt
  recorder.record('provider.call.started', started)
  if (interaction.error !== undefined) {
    const description = toErrorDescription(interaction.error)
    const error: ErrorDescription = typeof description === 'string' ? { message: description } : description
    recorder.record('provider.call.failed', { callId, error, ...(latency !== undefined && { latencyMs: latency }) })
    return callId
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
  try {
    recorder.record('provider.call.completed', completed)
  } catch (refused) {
    // A response record() cannot take (not JSON, too large): the call still gets an end, and
    // the caller hears why.
    recorder.record('provider.call.failed', { callId, error: { name: 'TapedeckError', message: messageOf(refused) } })
    throw refused
  }
  return callId
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

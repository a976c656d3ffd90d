/**
 * Token usage, normalised once. Each API counts differently:
 *
 * - OpenAI Chat Completions: `prompt_tokens` includes `prompt_tokens_details.cached_tokens`;
 *   `completion_tokens` includes `completion_tokens_details.reasoning_tokens`.
 * - OpenAI Responses: the same, named `input_tokens` / `input_tokens_details.cached_tokens` /
 *   `output_tokens` / `output_tokens_details.reasoning_tokens`.
 * - Anthropic Messages: `input_tokens` excludes cache reads (`cache_read_input_tokens`) and cache
 *   writes (`cache_creation_input_tokens`); `output_tokens_details.thinking_tokens` is included in
 *   `output_tokens`.
 * - AI SDK (`LanguageModelUsage`, v5 and v6): `inputTokens` is the total, with
 *   `inputTokenDetails.{noCacheTokens, cacheReadTokens, cacheWriteTokens}` (v6) or
 *   `cachedInputTokens` (v5); `reasoningTokens` is part of `outputTokens`.
 *
 * The result always has `inputTokens` = every prompt token (cached or not), `cachedTokens` = the
 * ones read from a cache, and `outputTokens` including reasoning, so numbers add up the same way
 * whatever the provider. `billable` splits them by price.
 */
import type { TokenUsage } from '../events/catalogue'

export type UsageFormat = 'openai.chat' | 'openai.responses' | 'anthropic.messages' | 'ai-sdk'

/** Tokens by price class: what a price table multiplies. */
export interface BillableTokens {
  /** Prompt tokens at the base input price (neither read from nor written to a cache). */
  input: number
  /** Prompt tokens read from a cache. */
  cachedInput: number
  /** Prompt tokens written to a cache (5-minute / default lifetime). */
  cacheWrite: number
  /** Prompt tokens written to a 1-hour cache (Anthropic). */
  cacheWrite1h: number
  output: number
}

export interface NormalizedUsage {
  usage: TokenUsage
  billable: BillableTokens
  /** A cost the provider reported itself (OpenRouter-style `usage.cost`, in USD). */
  providerCostUsd?: number
}

type Raw = Record<string, unknown>

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

function obj(value: unknown): Raw | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : undefined
}

function build(
  input: number,
  output: number,
  cached: number | undefined,
  reasoning: number | undefined,
  billable: BillableTokens,
  raw: Raw,
): NormalizedUsage {
  const usage: TokenUsage = { inputTokens: input, outputTokens: output }
  if (cached !== undefined) usage.cachedTokens = cached
  if (reasoning !== undefined) usage.reasoningTokens = reasoning
  const result: NormalizedUsage = { usage, billable }
  const cost = num(raw.cost)
  if (cost !== undefined) result.providerCostUsd = cost
  return result
}

/**
 * Normalises a provider's raw usage object. Returns `undefined` when the counts that matter are
 * missing: an absent usage is recorded as absent, never as zero.
 */
export function normalizeUsage(format: UsageFormat, rawUsage: unknown): NormalizedUsage | undefined {
  const raw = obj(rawUsage)
  if (!raw) return undefined
  switch (format) {
    case 'openai.chat':
    case 'openai.responses': {
      const chat = format === 'openai.chat'
      const input = num(chat ? raw.prompt_tokens : raw.input_tokens)
      const output = num(chat ? raw.completion_tokens : raw.output_tokens)
      if (input === undefined || output === undefined) return undefined
      const inputDetails = obj(chat ? raw.prompt_tokens_details : raw.input_tokens_details)
      const outputDetails = obj(chat ? raw.completion_tokens_details : raw.output_tokens_details)
      const cached = num(inputDetails?.cached_tokens)
      const reasoning = num(outputDetails?.reasoning_tokens)
      const cachedInput = Math.min(cached ?? 0, input)
      return build(input, output, cached, reasoning, { input: input - cachedInput, cachedInput, cacheWrite: 0, cacheWrite1h: 0, output }, raw)
    }
    case 'anthropic.messages': {
      const uncached = num(raw.input_tokens)
      const output = num(raw.output_tokens)
      if (uncached === undefined || output === undefined) return undefined
      const read = num(raw.cache_read_input_tokens) ?? 0
      const written = num(raw.cache_creation_input_tokens) ?? 0
      const breakdown = obj(raw.cache_creation)
      const written1h = Math.min(num(breakdown?.ephemeral_1h_input_tokens) ?? 0, written)
      const thinking = num(obj(raw.output_tokens_details)?.thinking_tokens)
      const hasCacheFields = raw.cache_read_input_tokens !== undefined && raw.cache_read_input_tokens !== null
      return build(uncached + read + written, output, hasCacheFields ? read : undefined, thinking, {
        input: uncached,
        cachedInput: read,
        cacheWrite: written - written1h,
        cacheWrite1h: written1h,
        output,
      }, raw)
    }
    case 'ai-sdk': {
      const input = num(raw.inputTokens)
      const output = num(raw.outputTokens)
      if (input === undefined || output === undefined) return undefined
      const details = obj(raw.inputTokenDetails)
      const cached = num(details?.cacheReadTokens) ?? num(raw.cachedInputTokens)
      const written = num(details?.cacheWriteTokens) ?? 0
      const reasoning = num(obj(raw.outputTokenDetails)?.reasoningTokens) ?? num(raw.reasoningTokens)
      const cachedInput = Math.min(cached ?? 0, input)
      const noCache = num(details?.noCacheTokens) ?? Math.max(0, input - cachedInput - written)
      return build(input, output, cached, reasoning, { input: noCache, cachedInput, cacheWrite: written, cacheWrite1h: 0, output }, raw)
    }
  }
}

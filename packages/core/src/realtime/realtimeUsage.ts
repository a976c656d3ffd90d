/**
 * The usage an OpenAI Realtime `response.done` reports, as Tapedeck's token counts, and its cost
 * from the price table (audio and text tokens have their own prices).
 */
import { lookupPrice, PRICE_TABLE_VERSION, type PriceTable, DEFAULT_PRICES } from '../instrument/prices'

export interface RealtimeUsage {
  inputTokens: number
  outputTokens: number
  cachedTokens?: number
  audioInputTokens: number
  textInputTokens: number
  cachedAudioTokens: number
  cachedTextTokens: number
  audioOutputTokens: number
  textOutputTokens: number
}

type Raw = Record<string, unknown>
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
const obj = (value: unknown): Raw => (value !== null && typeof value === 'object' ? (value as Raw) : {})

/** `undefined` when the response carried no usage. */
export function readRealtimeUsage(usage: unknown): RealtimeUsage | undefined {
  if (usage === null || typeof usage !== 'object') return undefined
  const raw = usage as Raw
  const input = obj(raw.input_token_details)
  const output = obj(raw.output_token_details)
  const cachedDetails = obj(input.cached_tokens_details)
  const cached = num(input.cached_tokens)
  return {
    inputTokens: num(raw.input_tokens),
    outputTokens: num(raw.output_tokens),
    ...(cached > 0 && { cachedTokens: cached }),
    audioInputTokens: num(input.audio_tokens),
    textInputTokens: num(input.text_tokens),
    cachedAudioTokens: num(cachedDetails.audio_tokens),
    cachedTextTokens: num(cachedDetails.text_tokens),
    audioOutputTokens: num(output.audio_tokens),
    textOutputTokens: num(output.text_tokens),
  }
}

export interface RealtimeCost {
  costUsd: number
  costSource: 'computed' | 'estimated'
  priceKey: string
  priceTableVersion: string
}

/**
 * Uncached text and audio input, cached text and audio input, text and audio output, each at its
 * price (audio prices default to the text ones for a model without them).
 */
export function priceRealtimeUsage(model: string | undefined, usage: RealtimeUsage, table: Readonly<PriceTable> = DEFAULT_PRICES): RealtimeCost | undefined {
  if (!model) return undefined
  const found = lookupPrice(model, table)
  if (!found) return undefined
  const p = found.price
  const cachedText = p.cachedInput ?? p.input
  const micro =
    Math.max(0, usage.textInputTokens - usage.cachedTextTokens) * p.input +
    usage.cachedTextTokens * cachedText +
    Math.max(0, usage.audioInputTokens - usage.cachedAudioTokens) * (p.audioInput ?? p.input) +
    usage.cachedAudioTokens * (p.cachedAudioInput ?? cachedText) +
    usage.textOutputTokens * p.output +
    usage.audioOutputTokens * (p.audioOutput ?? p.output)
  return {
    costUsd: Math.round((micro / 1_000_000) * 1e12) / 1e12,
    costSource: found.match === 'exact' ? 'computed' : 'estimated',
    priceKey: found.key,
    priceTableVersion: PRICE_TABLE_VERSION,
  }
}

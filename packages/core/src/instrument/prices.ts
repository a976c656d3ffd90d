/**
 * The price table: USD per million tokens, by model. Versioned (`PRICE_TABLE_VERSION` is stored
 * with every computed cost) and editable: `instrumentFetch(recorder, { prices })` merges your
 * entries over these.
 *
 * Sources, as published on the version date: https://openai.com/api/pricing/ (standard tier)
 * and https://docs.anthropic.com/en/docs/about-claude/pricing (base input, 5-minute and 1-hour
 * cache writes, cache hits, output). Prices change: check them, and pass your own.
 */
import type { BillableTokens } from './normalizeUsage'

/** The date the default table was last checked against the providers' pricing pages. */
export const PRICE_TABLE_VERSION = '2026-06-01'

/** USD per 1 000 000 tokens. */
export interface ModelPrice {
  input: number
  output: number
  /** Prompt tokens read from a cache. Default: `input`. */
  cachedInput?: number
  /** Prompt tokens written to a cache. Default: `input`. */
  cacheWrite?: number
  /** Prompt tokens written to a 1-hour cache (Anthropic). Default: `cacheWrite`. */
  cacheWrite1h?: number
  /** Realtime models: audio tokens in, audio tokens read from the cache, audio tokens out. Default: the text prices. */
  audioInput?: number
  cachedAudioInput?: number
  audioOutput?: number
}

/** Model id (lower case, without date suffix) → price. */
export type PriceTable = Record<string, ModelPrice>

const openai = (input: number, cachedInput: number, output: number): ModelPrice => ({ input, cachedInput, output })
const realtime = (text: [number, number, number], audio: [number, number, number]): ModelPrice => ({
  ...openai(...text),
  audioInput: audio[0],
  cachedAudioInput: audio[1],
  audioOutput: audio[2],
})
const anthropic = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cachedInput: round(input * 0.1),
  cacheWrite: round(input * 1.25),
  cacheWrite1h: round(input * 2),
})

export const DEFAULT_PRICES: Readonly<PriceTable> = Object.freeze({
  // OpenAI
  'gpt-5.5': openai(5, 0.5, 30),
  'gpt-5.4': openai(2.5, 0.25, 15),
  'gpt-5.4-mini': openai(0.75, 0.075, 4.5),
  'gpt-5.4-nano': openai(0.2, 0.02, 1.25),
  'gpt-5.1': openai(1.25, 0.125, 10),
  'gpt-5': openai(1.25, 0.125, 10),
  'gpt-5-mini': openai(0.25, 0.025, 2),
  'gpt-5-nano': openai(0.05, 0.005, 0.4),
  'gpt-4.1': openai(2, 0.5, 8),
  'gpt-4.1-mini': openai(0.4, 0.1, 1.6),
  'gpt-4.1-nano': openai(0.1, 0.025, 0.4),
  'gpt-4o': openai(2.5, 1.25, 10),
  'gpt-4o-mini': openai(0.15, 0.075, 0.6),
  'gpt-4-turbo': openai(10, 10, 30),
  'gpt-3.5-turbo': openai(0.5, 0.5, 1.5),
  o1: openai(15, 7.5, 60),
  o3: openai(2, 0.5, 8),
  'o3-mini': openai(1.1, 0.55, 4.4),
  'o4-mini': openai(1.1, 0.275, 4.4),
  // OpenAI Realtime: text [input, cached, output], audio [input, cached, output]
  // (developers.openai.com/api/docs/models/gpt-realtime-*, checked 2026-12-05).
  'gpt-realtime-2': realtime([4, 0.4, 24], [32, 0.4, 64]),
  'gpt-realtime-1.5': realtime([4, 0.4, 16], [32, 0.4, 64]),
  'gpt-realtime': realtime([4, 0.4, 16], [32, 0.4, 64]),
  'gpt-realtime-2.1-mini': realtime([0.6, 0.06, 2.4], [10, 0.3, 20]),
  'gpt-realtime-mini': realtime([0.6, 0.06, 2.4], [10, 0.3, 20]),
  // Anthropic: cache hits 0.1×, 5-minute writes 1.25×, 1-hour writes 2× the base input price.
  'claude-opus-4-6': anthropic(5, 25),
  'claude-sonnet-4-6': anthropic(3, 15),
  'claude-opus-4-5': anthropic(5, 25),
  'claude-opus-4-1': anthropic(15, 75),
  'claude-opus-4': anthropic(15, 75),
  'claude-sonnet-4-5': anthropic(3, 15),
  'claude-sonnet-4': anthropic(3, 15),
  'claude-3-7-sonnet': anthropic(3, 15),
  'claude-3-5-sonnet': anthropic(3, 15),
  'claude-haiku-4-5': anthropic(1, 5),
  'claude-3-5-haiku': anthropic(0.8, 4),
  'claude-3-opus': anthropic(15, 75),
  'claude-3-haiku': anthropic(0.25, 1.25),
})

export type CostSource = 'provider' | 'computed' | 'estimated'

export interface PriceMatch {
  /** The table key that matched. */
  key: string
  price: ModelPrice
  /** `exact`: the model itself (a dated snapshot or `-latest` alias counts as itself); `family`: only a prefix matched. */
  match: 'exact' | 'family'
}

// A dated snapshot (`gpt-4o-mini-2024-07-18`, `claude-sonnet-4-5-20250929`, `…@20241022`) or a
// moving alias (`-latest`) is the same model, at the same price.
const SNAPSHOT_SUFFIX = /(?:[-@]\d{4}-?\d{2}-?\d{2}|-latest)$/

/**
 * Finds the price of a model: exact id, then the id without its snapshot date, then the longest
 * table key the id starts with (followed by `-`, `.` or `:`), also after a `vendor/` prefix.
 */
export function lookupPrice(model: string, table: Readonly<PriceTable> = DEFAULT_PRICES): PriceMatch | undefined {
  const id = model.trim().toLowerCase()
  if (id === '') return undefined
  const exact = (key: string): PriceMatch | undefined => {
    const price = Object.hasOwn(table, key) ? table[key] : undefined
    return price ? { key, price, match: 'exact' } : undefined
  }
  const found = exact(id) ?? exact(id.replace(SNAPSHOT_SUFFIX, ''))
  if (found) return found
  const slash = id.lastIndexOf('/')
  const candidates = slash === -1 ? [id] : [id, id.slice(slash + 1)]
  let best: string | undefined
  for (const key of Object.keys(table)) {
    const k = key.toLowerCase()
    for (const candidate of candidates) {
      if (candidate.length > k.length && candidate.startsWith(k) && '-.:'.includes(candidate[k.length]!)) {
        if (best === undefined || k.length > best.length) best = key
      } else if (candidate !== id && candidate === k && (best === undefined || k.length > best.length)) {
        best = key // `openai/gpt-4o` through a router: the same family, not necessarily the same price
      }
    }
  }
  return best === undefined ? undefined : { key: best, price: table[best]!, match: 'family' }
}

export interface CostResult {
  costUsd: number
  costSource: CostSource
  /** The price-table key used (absent when the provider reported the cost). */
  priceKey?: string
  priceTableVersion?: string
}

/** Cost of tokens at a price, in USD. */
export function priceTokens(tokens: BillableTokens, price: ModelPrice): number {
  const cacheWrite = price.cacheWrite ?? price.input
  return round(
    (tokens.input * price.input +
      tokens.cachedInput * (price.cachedInput ?? price.input) +
      tokens.cacheWrite * cacheWrite +
      tokens.cacheWrite1h * (price.cacheWrite1h ?? cacheWrite) +
      tokens.output * price.output) /
      1_000_000,
  )
}

/**
 * The cost of a call: the provider's own figure when it gave one, else computed from the table
 * (`computed` for a known model, `estimated` when only a family prefix matched), else `undefined`.
 */
export function computeCost(
  model: string | undefined,
  tokens: BillableTokens | undefined,
  options: { table?: Readonly<PriceTable>; providerCostUsd?: number; version?: string } = {},
): CostResult | undefined {
  if (options.providerCostUsd !== undefined) return { costUsd: options.providerCostUsd, costSource: 'provider' }
  if (!model || !tokens) return undefined
  const found = lookupPrice(model, options.table ?? DEFAULT_PRICES)
  if (!found) return undefined
  return {
    costUsd: priceTokens(tokens, found.price),
    costSource: found.match === 'exact' ? 'computed' : 'estimated',
    priceKey: found.key,
    priceTableVersion: options.version ?? PRICE_TABLE_VERSION,
  }
}

/** The default table with your entries over it (keys compared in lower case). */
export function mergePrices(prices: PriceTable | undefined): Readonly<PriceTable> {
  if (!prices) return DEFAULT_PRICES
  const merged: PriceTable = { ...DEFAULT_PRICES }
  for (const [key, price] of Object.entries(prices)) merged[key.toLowerCase()] = price
  return merged
}

/** Twelve decimal places: no binary noise (0.1 + 0.2) in stored costs. */
function round(value: number): number {
  return Math.round(value * 1e12) / 1e12
}

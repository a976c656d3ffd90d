import { describe, expect, test } from 'vitest'
import { DEFAULT_PRICES, PRICE_TABLE_VERSION, computeCost, lookupPrice, mergePrices, priceTokens } from './prices'

const tokens = (input: number, output: number, cachedInput = 0, cacheWrite = 0, cacheWrite1h = 0) => ({ input, output, cachedInput, cacheWrite, cacheWrite1h })

describe('price table', () => {
  test('is versioned and frozen', () => {
    expect(PRICE_TABLE_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(Object.isFrozen(DEFAULT_PRICES)).toBe(true)
    expect(DEFAULT_PRICES['gpt-4o-mini']).toEqual({ input: 0.15, cachedInput: 0.075, output: 0.6 })
    expect(DEFAULT_PRICES['claude-sonnet-4-5']).toEqual({ input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, cacheWrite1h: 6 })
  })

  test.each([
    ['gpt-4o-mini', 'gpt-4o-mini', 'exact'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini', 'exact'],
    ['GPT-4o', 'gpt-4o', 'exact'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5', 'exact'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku', 'exact'],
    ['claude-3-5-sonnet@20241022', 'claude-3-5-sonnet', 'exact'],
    ['gpt-4o-mini-search-preview', 'gpt-4o-mini', 'family'],
    ['gpt-5.1-codex', 'gpt-5.1', 'family'],
    ['openai/gpt-4o-mini', 'gpt-4o-mini', 'family'],
    ['o4-mini-deep-research', 'o4-mini', 'family'],
  ])('%s → %s (%s)', (model, key, match) => {
    expect(lookupPrice(model)).toMatchObject({ key, match })
  })

  test.each(['llama-3.1-8b', 'gpt-4oo', 'o1x', ''])('%j has no price', (model) => {
    expect(lookupPrice(model)).toBeUndefined()
  })

  test('cost: each token class at its price, per million', () => {
    // 176 uncached + 1024 cached input, 300 output at gpt-4o-mini: 0.15, 0.075, 0.6 $/M
    expect(priceTokens(tokens(176, 300, 1024), DEFAULT_PRICES['gpt-4o-mini']!)).toBeCloseTo((176 * 0.15 + 1024 * 0.075 + 300 * 0.6) / 1e6, 15)
    // Anthropic: 20 input, 1000 cache reads, 200 5-minute writes, 100 1-hour writes, 40 output at Sonnet 4.5
    expect(priceTokens(tokens(20, 40, 1000, 200, 100), DEFAULT_PRICES['claude-sonnet-4-5']!)).toBeCloseTo(
      (20 * 3 + 1000 * 0.3 + 200 * 3.75 + 100 * 6 + 40 * 15) / 1e6,
      15,
    )
    // No binary noise in what is stored.
    expect(String(priceTokens(tokens(1, 1), { input: 0.1, output: 0.2 }))).toBe('3e-7')
  })

  test('computeCost: provider beats the table; exact model → computed; family → estimated; unknown → none', () => {
    expect(computeCost('gpt-4o-mini', tokens(10, 10), { providerCostUsd: 0.5 })).toEqual({ costUsd: 0.5, costSource: 'provider' })
    expect(computeCost('gpt-4o-mini-2024-07-18', tokens(1_000_000, 1_000_000))).toEqual({
      costUsd: 0.75,
      costSource: 'computed',
      priceKey: 'gpt-4o-mini',
      priceTableVersion: PRICE_TABLE_VERSION,
    })
    expect(computeCost('gpt-4o-mini-search-preview', tokens(1_000_000, 0))).toMatchObject({ costUsd: 0.15, costSource: 'estimated' })
    expect(computeCost('my-local-model', tokens(10, 10))).toBeUndefined()
    expect(computeCost(undefined, tokens(10, 10))).toBeUndefined()
    expect(computeCost('gpt-4o', undefined)).toBeUndefined()
  })

  test('your prices merge over the defaults, keys in any case', () => {
    const table = mergePrices({ 'My-Model': { input: 1, output: 2 }, 'gpt-4o-mini': { input: 10, output: 10 } })
    expect(computeCost('my-model', tokens(1_000_000, 1_000_000), { table })).toMatchObject({ costUsd: 3, costSource: 'computed' })
    expect(computeCost('gpt-4o-mini', tokens(1_000_000, 0), { table })?.costUsd).toBe(10)
    expect(computeCost('gpt-4o', tokens(1_000_000, 0), { table })?.costUsd).toBe(2.5) // untouched defaults stay
    expect(DEFAULT_PRICES['gpt-4o-mini']!.input).toBe(0.15) // the default table is not changed
  })
})

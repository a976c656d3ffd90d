import { describe, expect, test } from 'vitest'
import { normalizeUsage } from './normalizeUsage'

describe('normalizeUsage', () => {
  test('OpenAI Chat Completions: prompt tokens include the cached ones, completion tokens the reasoning ones', () => {
    const raw = {
      prompt_tokens: 1200,
      completion_tokens: 300,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 128, audio_tokens: 0 },
    }
    expect(normalizeUsage('openai.chat', raw)).toEqual({
      usage: { inputTokens: 1200, outputTokens: 300, cachedTokens: 1024, reasoningTokens: 128 },
      billable: { input: 176, cachedInput: 1024, cacheWrite: 0, cacheWrite1h: 0, output: 300 },
    })
  })

  test('OpenAI without details: no cached or reasoning counts invented', () => {
    expect(normalizeUsage('openai.chat', { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 })).toEqual({
      usage: { inputTokens: 9, outputTokens: 12 },
      billable: { input: 9, cachedInput: 0, cacheWrite: 0, cacheWrite1h: 0, output: 12 },
    })
  })

  test('OpenAI Responses names', () => {
    const raw = { input_tokens: 50, input_tokens_details: { cached_tokens: 10 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: 70 }
    expect(normalizeUsage('openai.responses', raw)?.usage).toEqual({ inputTokens: 50, outputTokens: 20, cachedTokens: 10, reasoningTokens: 5 })
  })

  test('Anthropic: input_tokens excludes cache reads and writes; 1-hour writes priced apart', () => {
    const raw = {
      input_tokens: 20,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 100 },
      output_tokens: 40,
      output_tokens_details: { thinking_tokens: 12 },
    }
    expect(normalizeUsage('anthropic.messages', raw)).toEqual({
      usage: { inputTokens: 1320, outputTokens: 40, cachedTokens: 1000, reasoningTokens: 12 },
      billable: { input: 20, cachedInput: 1000, cacheWrite: 200, cacheWrite1h: 100, output: 40 },
    })
  })

  test('AI SDK v6 LanguageModelUsage and the v5 shape', () => {
    const v6 = {
      inputTokens: 100,
      inputTokenDetails: { noCacheTokens: 60, cacheReadTokens: 40, cacheWriteTokens: undefined },
      outputTokens: 30,
      outputTokenDetails: { textTokens: 20, reasoningTokens: 10 },
      totalTokens: 130,
    }
    expect(normalizeUsage('ai-sdk', v6)).toEqual({
      usage: { inputTokens: 100, outputTokens: 30, cachedTokens: 40, reasoningTokens: 10 },
      billable: { input: 60, cachedInput: 40, cacheWrite: 0, cacheWrite1h: 0, output: 30 },
    })
    const v5 = { inputTokens: 100, outputTokens: 30, totalTokens: 130, cachedInputTokens: 25, reasoningTokens: 4 }
    expect(normalizeUsage('ai-sdk', v5)?.usage).toEqual({ inputTokens: 100, outputTokens: 30, cachedTokens: 25, reasoningTokens: 4 })
    expect(normalizeUsage('ai-sdk', v5)?.billable.input).toBe(75)
  })

  test('a provider-reported cost is kept (OpenRouter usage.cost)', () => {
    expect(normalizeUsage('openai.chat', { prompt_tokens: 1, completion_tokens: 2, cost: 0.00042 })?.providerCostUsd).toBe(0.00042)
  })

  test.each([
    ['openai.chat', undefined],
    ['openai.chat', null],
    ['openai.chat', { total_tokens: 10 }],
    ['anthropic.messages', { input_tokens: 10 }],
    ['ai-sdk', { inputTokens: undefined, outputTokens: 3 }],
    ['openai.responses', { input_tokens: -1, output_tokens: 2 }],
  ] as const)('%s usage %j is absent, not zero', (format, raw) => {
    expect(normalizeUsage(format, raw)).toBeUndefined()
  })
})

import { describe, expect, test } from 'vitest'
import { TEXT_PLACEHOLDER, keepMetadata } from './keepMetadata'

describe('keepMetadata', () => {
  test('drops text, keeps numbers, ids and structural names', () => {
    const { value, count } = keepMetadata({
      callId: 'c_1',
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'my card is 4111 1111 1111 1111' }],
      response: { text: 'Sure', toolCalls: [{ toolCallId: 't1', name: 'lookupOrder', args: { order: 'A-17' } }] },
      usage: { inputTokens: 12, outputTokens: 3 },
      costUsd: 0.0004,
      final: true,
      tags: ['vip', 'refund'],
    })
    expect(value).toEqual({
      callId: 'c_1',
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: TEXT_PLACEHOLDER }],
      response: { text: TEXT_PLACEHOLDER, toolCalls: [{ toolCallId: 't1', name: 'lookupOrder', args: { order: TEXT_PLACEHOLDER } }] },
      usage: { inputTokens: 12, outputTokens: 3 },
      costUsd: 0.0004,
      final: true,
      tags: [TEXT_PLACEHOLDER, TEXT_PLACEHOLDER],
    })
    expect(count).toBe(5)
  })

  test('a payload stripped once is stripped again without a change or a count', () => {
    const first = keepMetadata({ role: 'user', content: 'hello', parts: ['a', 'b'] })
    const second = keepMetadata(first.value)
    expect(second).toEqual({ value: first.value, count: 0 })
    expect(first.count).toBe(3)
  })
})

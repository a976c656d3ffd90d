import { expect, test } from 'vitest'
import { eventList } from '../../test/events'
import { callDetails, indexCalls } from './indexCalls'

test('pairs each call\'s start with its end; the answering model wins; unfinished calls are listed', () => {
  const { events, add } = eventList()
  add('provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o-mini', params: { temperature: 0.2 }, messages: [{ role: 'user', content: 'hi' }] }, { t: 100 })
  add('provider.call.started', { callId: 'c2', provider: 'anthropic', model: 'claude' }, { t: 150 })
  add('provider.call.completed', {
    callId: 'c1',
    model: 'gpt-4o-mini-2024-07-18',
    response: { text: 'hello' },
    usage: { inputTokens: 5, outputTokens: 2 },
    costUsd: 0.0001,
    latencyMs: 400,
    ttftMs: 120,
    finishReason: 'stop',
  }, { t: 500 })
  add('provider.call.failed', { callId: 'c2', error: { name: 'RateLimitError', message: 'slow down', status: 429 }, latencyMs: 90 }, { t: 600 })
  add('provider.call.started', { callId: 'c3', provider: 'openai', model: 'gpt-4o' }, { t: 700 })

  const calls = indexCalls(events)
  expect(calls).toEqual([
    { callId: 'c1', status: 'completed', provider: 'openai', model: 'gpt-4o-mini-2024-07-18', t: 100, startIndex: 0, endIndex: 2, endT: 500 },
    { callId: 'c2', status: 'failed', provider: 'anthropic', model: 'claude', t: 150, startIndex: 1, endIndex: 3, endT: 600 },
    { callId: 'c3', status: 'unfinished', provider: 'openai', model: 'gpt-4o', t: 700, startIndex: 4 },
  ])
  expect(callDetails(events, calls[0]!)).toMatchObject({
    params: { temperature: 0.2 },
    prompt: [{ role: 'user', content: 'hi' }],
    response: { text: 'hello' },
    usage: { inputTokens: 5, outputTokens: 2 },
    costUsd: 0.0001,
    latencyMs: 400,
    ttftMs: 120,
    finishReason: 'stop',
  })
  expect(callDetails(events, calls[1]!)).toMatchObject({ error: { name: 'RateLimitError', message: 'slow down', status: 429 }, latencyMs: 90 })
})

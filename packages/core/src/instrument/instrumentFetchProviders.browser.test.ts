/**
 * What the fetch instrumentation records of each provider's API, in a real Chromium with the real
 * `openai` and `@anthropic-ai/sdk` clients talking to the mock provider (e2e/support/mockLlm.ts),
 * recording into IndexedDB: OpenAI Chat Completions and Responses, Anthropic Messages, streamed or not.
 */
import type Anthropic from '@anthropic-ai/sdk'
import type OpenAI from 'openai'
import { describe, expect, test } from 'vitest'
import { anthropic, costOf, eventsOf, mock, openai, ORDER_TOOL, plainFetch, recording, reply, storedMock, restoreAfterEach } from '../../test/llmClients'
import { createInstrumentedFetch } from './instrumentFetch'
import { DEFAULT_PRICES, PRICE_TABLE_VERSION } from './prices'

restoreAfterEach()

describe('OpenAI Chat Completions through the real SDK', () => {
  test('non-streaming: started then completed with model, params, prompt, text, usage, cost, timings', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const result = await openai(fetch, 'ttft=80').chat.completions.create({
      model: 'gpt-4o-mini',
      temperature: 0.3,
      max_tokens: 200,
      top_p: 0.9,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
    })
    const [started, completed, ...rest] = await eventsOf(recorder, id, fetch)
    expect(rest).toEqual([])
    expect(started).toMatchObject({
      type: 'provider.call.started',
      data: {
        provider: 'openai-compatible',
        api: 'openai.chat',
        model: 'gpt-4o-mini',
        url: `${storedMock}/ttft=80/v1/chat/completions`,
        stream: false,
        params: { temperature: 0.3, maxTokens: 200, topP: 0.9 },
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello there' },
        ],
      },
    })
    const usage = result.usage!
    expect(completed).toMatchObject({
      type: 'provider.call.completed',
      data: {
        callId: started!.data.callId,
        model: 'gpt-4o-mini',
        response: { text: result.choices[0]!.message.content },
        usage: { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, cachedTokens: 0, reasoningTokens: 0 },
        rawUsage: usage,
        costSource: 'computed',
        priceKey: 'gpt-4o-mini',
        priceTableVersion: PRICE_TABLE_VERSION,
        finishReason: 'stop',
        stream: false,
        status: 200,
        requestId: `req_${result.id.replace('chatcmpl-', '')}`,
      },
    })
    expect(result.choices[0]!.message.content).toBe(reply('Hello there'))
    const data = completed!.data as { costUsd: number; ttftMs?: number; latencyMs: number; headersMs: number }
    expect(data.costUsd).toBeCloseTo(costOf('gpt-4o-mini', usage.prompt_tokens, usage.completion_tokens), 12)
    expect(data.ttftMs).toBeUndefined() // no tokens arrive before the whole body
    expect(data.latencyMs).toBeGreaterThanOrEqual(75) // the mock's 80 ms before the body
    expect(data.headersMs).toBeLessThanOrEqual(data.latencyMs)
  })

  test('streaming with include_usage: text and a tool call rebuilt from deltas, ttft after the delay, usage from the last chunk', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const client = openai(fetch, 'headers=60/ttft=150/gap=15')
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Where is my order A1042?' }],
      tools: ORDER_TOOL,
    })
    let args = ''
    let usage: OpenAI.CompletionUsage | undefined
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? ''
      usage = chunk.usage ?? usage
    }
    expect(JSON.parse(args)).toEqual({ orderId: 'A1042' })
    const [started, completed] = await eventsOf(recorder, id, fetch)
    expect(started!.data).toMatchObject({ stream: true, params: { stream: true, includeUsage: true, tools: ['lookupOrder'] } })
    expect(completed!.data).toMatchObject({
      response: { text: '', toolCalls: [{ id: expect.stringMatching(/^call_/), name: 'lookupOrder', arguments: { orderId: 'A1042' } }] },
      usage: { inputTokens: usage!.prompt_tokens, outputTokens: usage!.completion_tokens },
      finishReason: 'tool_calls',
      stream: true,
    })
    const { ttftMs, latencyMs, headersMs } = completed!.data as { ttftMs: number; latencyMs: number; headersMs: number }
    expect(headersMs).toBeGreaterThanOrEqual(55)
    expect(ttftMs).toBeGreaterThanOrEqual(headersMs + 140) // the role chunk before the delay is not a token
    expect(ttftMs).toBeLessThanOrEqual(latencyMs)
    expect(latencyMs).toBeGreaterThan(ttftMs)
  })

  test('a stream without include_usage: usage is absent, not zero — and the request is not changed to ask for it', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const stream = await openai(fetch, 'tag=no-usage-check').chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Hi' }] })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe(reply('Hi'))
    const [, completed] = await eventsOf(recorder, id, fetch)
    expect(completed!.data).toMatchObject({ response: { text }, finishReason: 'stop', stream: true })
    expect(completed!.data).not.toHaveProperty('usage')
    expect(completed!.data).not.toHaveProperty('costUsd')
    expect(completed!.data).not.toHaveProperty('rawUsage')
    const logged = (await (await plainFetch(`${mock}/__mock/requests?tag=no-usage-check`)).json()) as Array<{ body: Record<string, unknown> }>
    expect(logged[0]!.body).not.toHaveProperty('stream_options')
  })
})

describe('OpenAI Responses through the real SDK', () => {
  test('streaming: output_text deltas, usage from response.completed; non-streaming the same answer', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const client = openai(fetch, 'ttft=100/gap=10/cached=2')
    const stream = await client.responses.create({ model: 'gpt-4.1-mini', instructions: 'Be brief.', input: 'Tell me something', stream: true, max_output_tokens: 64 })
    let text = ''
    let final: OpenAI.Responses.Response | undefined
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta
      if (event.type === 'response.completed') final = event.response
    }
    const whole = await client.responses.create({ model: 'gpt-4.1-mini', instructions: 'Be brief.', input: 'Tell me something', max_output_tokens: 64 })
    expect(whole.output_text).toBe(text)
    const events = await eventsOf(recorder, id, fetch)
    expect(events.map((e) => e.type)).toEqual(['provider.call.started', 'provider.call.completed', 'provider.call.started', 'provider.call.completed'])
    const u = final!.usage!
    expect(events[0]!.data).toMatchObject({ api: 'openai.responses', params: { maxTokens: 64, stream: true }, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Tell me something' }] })
    for (const completed of [events[1]!, events[3]!]) {
      expect(completed.data).toMatchObject({
        model: 'gpt-4.1-mini',
        response: { text: reply('Tell me something') },
        usage: { inputTokens: u.input_tokens, outputTokens: u.output_tokens, cachedTokens: 2, reasoningTokens: 0 },
        finishReason: 'completed',
        costSource: 'computed',
      })
      expect(completed.data.costUsd).toBeCloseTo(costOf('gpt-4.1-mini', u.input_tokens, u.output_tokens, 2), 12)
    }
    expect(events[1]!.data.ttftMs).toBeGreaterThanOrEqual(95)
    expect(events[3]!.data).not.toHaveProperty('ttftMs')
  })

  test('the SDK stream helper and a function call', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const runner = openai(fetch, 'tool=1').responses.stream({
      model: 'gpt-4o-mini',
      input: [{ role: 'user', content: 'Where is order B2077?' }],
      tools: [{ type: 'function', name: 'lookupOrder', parameters: { type: 'object', properties: { orderId: { type: 'string' } } }, strict: false }],
    })
    const final = await runner.finalResponse()
    const call = final.output[0] as OpenAI.Responses.ResponseFunctionToolCall
    expect(call.arguments).toBe('{"orderId":"B2077"}')
    const [, completed] = await eventsOf(recorder, id, fetch)
    expect(completed!.data).toMatchObject({ response: { toolCalls: [{ id: call.call_id, name: 'lookupOrder', arguments: { orderId: 'B2077' } }] } })
  })
})

describe('Anthropic Messages through the real SDK', () => {
  test('streaming: named events, usage from message_start + message_delta, cache reads, tool_use input', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const client = anthropic(fetch, 'ttft=120/gap=10/cached=3')
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      temperature: 0.5,
      system: 'You look up orders.',
      tools: [{ name: 'lookupOrder', input_schema: { type: 'object', properties: { orderId: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'Where is my order C3003?' }],
    })
    const message = await stream.finalMessage()
    expect(message.content[0]).toMatchObject({ type: 'tool_use', name: 'lookupOrder', input: { orderId: 'C3003' } })
    const [started, completed] = await eventsOf(recorder, id, fetch)
    expect(started!.data).toMatchObject({
      provider: 'anthropic-compatible',
      api: 'anthropic.messages',
      model: 'claude-haiku-4-5',
      params: { maxTokens: 256, temperature: 0.5, stream: true, tools: ['lookupOrder'] },
      messages: [{ role: 'system', content: 'You look up orders.' }, { role: 'user', content: 'Where is my order C3003?' }],
    })
    const u = message.usage
    const inputTokens = u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0)
    expect(completed!.data).toMatchObject({
      response: { text: '', toolCalls: [{ id: (message.content[0] as Anthropic.ToolUseBlock).id, name: 'lookupOrder', arguments: { orderId: 'C3003' } }] },
      usage: { inputTokens, outputTokens: u.output_tokens, cachedTokens: 3 },
      finishReason: 'tool_use',
      costSource: 'computed',
      priceKey: 'claude-haiku-4-5',
    })
    const price = DEFAULT_PRICES['claude-haiku-4-5']!
    expect(completed!.data.costUsd).toBeCloseTo((u.input_tokens * price.input + 3 * price.cachedInput! + u.output_tokens * price.output) / 1e6, 12)
    expect(completed!.data.ttftMs).toBeGreaterThanOrEqual(115)
  })

  test('non-streaming text', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const message = await anthropic(fetch, 'x=1').messages.create({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] })
    const [, completed] = await eventsOf(recorder, id, fetch)
    expect(completed!.data).toMatchObject({
      model: 'claude-haiku-4-5',
      response: { text: (message.content[0] as Anthropic.TextBlock).text },
      usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens },
      finishReason: 'end_turn',
      requestId: `req_${message.id.replace('msg_', '')}`,
    })
  })
})

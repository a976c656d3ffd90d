/**
 * The fetch instrumentation in a real Chromium, with the real `openai` and `@anthropic-ai/sdk`
 * clients talking to the mock provider (e2e/support/mockLlm.ts), recording into IndexedDB.
 */
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterEach, describe, expect, inject, test } from 'vitest'
import { closeAll, rawStoredText, recorderFor, uniqueDb } from '../../test/browser'
import type { Recorder } from '../client/types'
import type { TapedeckEvent } from '../events/catalogue'

/** A stored event, its payload read loosely (the assertions check its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Recorded = TapedeckEvent & { data: Record<string, any> }
import { createInstrumentedFetch, instrumentFetch, type InstrumentedFetch } from './instrumentFetch'
import { DEFAULT_PRICES, PRICE_TABLE_VERSION } from './prices'

const KEY = 'sk-test-SECRET123'
const ANTHROPIC_KEY = 'sk-ant-test-SECRET456'
const mock = inject('mockLlm')
/** The mock's URL as stored: the recorder's built-in redaction replaces IP addresses. */
const storedMock = mock.replace('127.0.0.1', '[ip]')
const plainFetch = globalThis.fetch.bind(globalThis)

afterEach(async () => {
  globalThis.fetch = plainFetch
  await closeAll()
})

const ORDER_TOOL = [{ type: 'function' as const, function: { name: 'lookupOrder', parameters: { type: 'object', properties: { orderId: { type: 'string' } } } } }]
const reply = (text: string) => `You said: "${text}". This is a mock reply.`
const pieces = (text: string) => text.match(/\S+\s*/g)!

async function recording(options: Parameters<typeof recorderFor>[1] = {}) {
  const dbName = uniqueDb()
  const recorder = recorderFor(dbName, options)
  const { id } = await recorder.start({ feature: 'instrument-test' })
  return { dbName, recorder, id }
}

async function eventsOf(recorder: Recorder, id: string, fetch?: { settled(): Promise<void> }): Promise<Recorded[]> {
  await fetch?.settled()
  await recorder.flush()
  return (await recorder.sessions.events(id)).filter((e) => e.type.startsWith('provider.')) as Recorded[]
}

function openai(fetch: typeof globalThis.fetch | InstrumentedFetch, base: string, options: { maxRetries?: number; apiKey?: string } = {}) {
  return new OpenAI({ apiKey: options.apiKey ?? KEY, baseURL: `${mock}/${base}/v1`, dangerouslyAllowBrowser: true, fetch: fetch as typeof globalThis.fetch, maxRetries: options.maxRetries ?? 0 })
}
function anthropic(fetch: typeof globalThis.fetch | InstrumentedFetch, base: string) {
  return new Anthropic({ apiKey: ANTHROPIC_KEY, baseURL: `${mock}/${base}`, dangerouslyAllowBrowser: true, fetch: fetch as typeof globalThis.fetch, maxRetries: 0 })
}

function costOf(model: keyof typeof DEFAULT_PRICES, input: number, output: number, cached = 0) {
  const price = DEFAULT_PRICES[model]!
  return ((input - cached) * price.input + cached * (price.cachedInput ?? price.input) + output * price.output) / 1e6
}

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

describe('the app sees exactly what it would without instrumentation', () => {
  test('SDK results, streamed chunks, raw bytes, status and headers are identical', async () => {
    const { recorder } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Same bytes?' }], tools: ORDER_TOOL }
    for (const base of ['gap=5', 'gap=5/tool=0']) {
      expect(await openai(fetch, base).chat.completions.create(request)).toEqual(await openai(plainFetch, base).chat.completions.create(request))
      const chunks = async (f: typeof globalThis.fetch | InstrumentedFetch) => {
        const out: unknown[] = []
        for await (const chunk of await openai(f, base).chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } })) out.push(chunk)
        return out
      }
      expect(await chunks(fetch)).toEqual(await chunks(plainFetch))
    }
    const anthropicRequest = { model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user' as const, content: 'Same?' }] }
    expect(await anthropic(fetch, 'gap=5').messages.create(anthropicRequest)).toEqual(await anthropic(plainFetch, 'gap=5').messages.create(anthropicRequest))

    for (const stream of [true, false]) {
      const init = { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: JSON.stringify({ ...request, stream }) }
      const url = `${mock}/gap=3/v1/chat/completions`
      const [mine, theirs] = [await fetch(url, init), await plainFetch(url, init)]
      expect(mine.status).toBe(theirs.status)
      expect(mine.statusText).toBe(theirs.statusText)
      expect(mine.url).toBe(theirs.url)
      expect(mine.type).toBe(theirs.type)
      expect(mine.redirected).toBe(theirs.redirected)
      expect([...mine.headers].filter(([name]) => name !== 'date' && name !== 'keep-alive')).toEqual([...theirs.headers].filter(([name]) => name !== 'date' && name !== 'keep-alive'))
      expect(new Uint8Array(await mine.arrayBuffer())).toEqual(new Uint8Array(await theirs.arrayBuffer()))
    }
    await fetch.settled()
    expect(fetch.stats).toMatchObject({ errors: 0 })
    expect(fetch.stats.recorded).toBeGreaterThanOrEqual(14)
  })

  test('the app is not held back: the first chunk reaches it long before the stream ends', async () => {
    const { recorder } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const response = await fetch(`${mock}/gap=120/reply=one two three four five six seven eight/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    })
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let firstContentAt: number | undefined
    let text = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
      if (firstContentAt === undefined && text.includes('"content":"one ')) firstContentAt = performance.now()
    }
    const endAt = performance.now()
    expect(text).toContain('data: [DONE]')
    expect(endAt - firstContentAt!).toBeGreaterThan(600) // 7 more chunks, 120 ms apart
  })
})

describe('cut short, aborted, cancelled, refused', () => {
  test('a stream cut mid-way by the network: completed, aborted, with the text so far and no usage', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const stream = await openai(fetch, 'cut=3/gap=10').chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Tell me a long story' }],
    })
    let seen = ''
    const failure = await (async () => {
      try {
        for await (const chunk of stream) seen += chunk.choices[0]?.delta.content ?? ''
      } catch (error) {
        return error
      }
    })()
    expect(failure).toBeInstanceOf(Error) // the app saw the cut too
    const expected = pieces(reply('Tell me a long story')).slice(0, 3).join('')
    expect(seen).toBe(expected)
    const [, completed, ...rest] = await eventsOf(recorder, id, fetch)
    expect(rest).toEqual([])
    expect(completed).toMatchObject({ type: 'provider.call.completed', data: { finishReason: 'aborted', abortReason: 'network', response: { text: expected }, error: { name: 'TypeError' } } })
    expect(completed!.data).not.toHaveProperty('usage')
    expect(completed!.data).not.toHaveProperty('costUsd')
  })

  test('the app aborts the stream (break out of the SDK loop): aborted, with what arrived', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const stream = await openai(fetch, 'gap=40').chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Go on and on' }] })
    let seen = ''
    for await (const chunk of stream) {
      seen += chunk.choices[0]?.delta.content ?? ''
      if (seen.split(' ').length > 2) break // the SDK aborts its request
    }
    const [, completed] = await eventsOf(recorder, id, fetch)
    // The SDK cancels its reader and aborts its request; whichever reaches us first names the cut.
    expect(completed!.data).toMatchObject({ finishReason: 'aborted', abortReason: expect.stringMatching(/^(abort|cancel)$/) })
    const text = (completed!.data.response as { text: string }).text
    expect(text.startsWith(seen)).toBe(true)
    expect(text.length).toBeLessThan(reply('Go on and on').length)
  })

  test('an abort before the answer: aborted, not a provider failure; the app gets its AbortError', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const controller = new AbortController()
    const pending = fetch(`${mock}/headers=500/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o', messages: [] }), signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    const [, completed] = await eventsOf(recorder, id, fetch)
    expect(completed).toMatchObject({ type: 'provider.call.completed', data: { model: 'gpt-4o', finishReason: 'aborted', abortReason: 'abort' } })
  })

  test('the reader is cancelled: aborted, the source released', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const response = await fetch(`${mock}/gap=50/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'cancel me soon' }] }) })
    const reader = response.body!.getReader()
    await reader.read()
    await reader.read()
    await reader.cancel('enough')
    const [, completed] = await eventsOf(recorder, id, fetch)
    expect(completed!.data).toMatchObject({ finishReason: 'aborted', abortReason: 'cancel' })
    expect(((completed!.data.response as { text: string }).text.length)).toBeLessThan(reply('cancel me soon').length)
  })

  test('429: provider.call.failed with status, the provider message and Retry-After; the SDK throws its own error', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const error = await openai(fetch, 'status=429').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    const [started, failed] = await eventsOf(recorder, id, fetch)
    expect(failed).toMatchObject({
      type: 'provider.call.failed',
      data: {
        callId: started!.data.callId,
        model: 'gpt-4o-mini',
        error: { name: 'RateLimitError', status: 429, message: 'Rate limit reached for requests (mock).', type: 'requests', code: 'rate_limit_exceeded' },
        retryAfter: '1',
      },
    })
    expect(typeof failed!.data.latencyMs).toBe('number')
    expect(await recorder.sessions.get(id)).toMatchObject({ counters: { calls: 1, errors: 1 } })
  })

  test('an Anthropic 500 and an unreachable server are failures too; the SDK retries are each recorded', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder)
    const client = new Anthropic({ apiKey: ANTHROPIC_KEY, baseURL: `${mock}/status=500`, dangerouslyAllowBrowser: true, fetch, maxRetries: 1 })
    await expect(client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(Anthropic.InternalServerError)
    await expect(fetch('http://127.0.0.1:9/v1/messages', { method: 'POST', body: JSON.stringify({ model: 'claude-haiku-4-5', messages: [] }) })).rejects.toBeInstanceOf(TypeError)
    const failed = (await eventsOf(recorder, id, fetch)).filter((e) => e.type === 'provider.call.failed')
    expect(failed.map((e) => e.data.error)).toEqual([
      expect.objectContaining({ name: 'InternalServerError', status: 500, type: 'api_error' }),
      expect.objectContaining({ name: 'InternalServerError', status: 500, type: 'api_error' }),
      expect.objectContaining({ name: 'TypeError' }),
    ])
    expect(failed[2]!.data.error).not.toHaveProperty('status')
  })
})

describe('privacy', () => {
  test('no API key reaches IndexedDB — not from headers, not from a provider echoing it', async () => {
    const { dbName, recorder, id } = await recording()
    const payloads: string[] = []
    const spy = { record: ((type, data) => (payloads.push(JSON.stringify(data)), recorder.record(type, data))) as Recorder['record'], getSnapshot: () => recorder.getSnapshot() }
    const fetch = createInstrumentedFetch(spy)
    await openai(fetch, 'tag=key-check').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
    const echoed = await openai(fetch, 'tag=key-check').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `my key is ${KEY}` }] })
    expect(echoed.choices[0]!.message.content).toContain(KEY) // the app gets its answer as sent
    await anthropic(fetch, 'tag=key-check').messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
    await openai(fetch, 'tag=key-check/status=401').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined)
    const events = await eventsOf(recorder, id, fetch)
    expect(events).toHaveLength(8)

    // The keys did travel: the mock saw them.
    const seen = (await (await plainFetch(`${mock}/__mock/requests?tag=key-check`)).json()) as Array<{ headers: Record<string, string> }>
    expect(seen.map((r) => JSON.stringify(r.headers))).toEqual([
      expect.stringContaining(KEY),
      expect.stringContaining(KEY),
      expect.stringContaining(ANTHROPIC_KEY),
      expect.stringContaining(KEY),
    ])
    // …and nothing handed to the recorder holds them, nor does the database.
    for (const payload of payloads) {
      expect(payload).not.toContain('SECRET123')
      expect(payload).not.toContain('SECRET456')
      expect(payload.toLowerCase()).not.toContain('authorization')
    }
    expect(payloads.join('\n')).toContain('[credential]')
    const stored = await rawStoredText(dbName)
    expect(stored).toContain('provider.call.completed')
    expect(stored).not.toContain('SECRET123')
    expect(stored).not.toContain('SECRET456')
  })

  test("capture 'metadata': tokens, cost, timings, model, finish reason — no prompt, no text, no tool arguments", async () => {
    const { dbName, recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder, { capture: 'metadata' })
    await openai(fetch, 'ttft=20').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my order Z9876?' }], tools: ORDER_TOOL })
    const stream = await openai(fetch, 'ttft=20/tool=0').chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Confidential plans' }] })
    for await (const chunk of stream) void chunk
    const [started, completed, , streamed] = await eventsOf(recorder, id, fetch)
    expect(started!.data).not.toHaveProperty('messages')
    expect(started!.data).toMatchObject({ messageCount: 1, params: { tools: ['lookupOrder'] } })
    expect(completed!.data).toMatchObject({ model: 'gpt-4o-mini', finishReason: 'tool_calls', response: { toolCalls: [{ name: 'lookupOrder' }] }, costSource: 'computed' })
    expect((completed!.data.response as { toolCalls: object[] }).toolCalls[0]).not.toHaveProperty('arguments')
    expect(streamed!.data).toMatchObject({ finishReason: 'stop', usage: { inputTokens: expect.any(Number), outputTokens: 9 } })
    expect(streamed!.data.ttftMs).toBeGreaterThan(0)
    expect(streamed!.data).not.toHaveProperty('response')
    const stored = await rawStoredText(dbName)
    for (const secret of ['Z9876', 'Where is my order', 'Confidential', 'mock reply']) expect(stored).not.toContain(secret)
  })
})

describe('options', () => {
  test('costs: from the provider, estimated from a family, absent for an unknown model, from your prices', async () => {
    const { recorder, id } = await recording()
    const fetch = createInstrumentedFetch(recorder, { prices: { 'acme-1': { input: 1, output: 2 } } })
    const ask = (base: string, model: string) => openai(fetch, base).chat.completions.create({ model, messages: [{ role: 'user', content: 'cost?' }] })
    const fromProvider = await ask('cost=0.0123', 'gpt-4o-mini')
    const estimated = await ask('model=gpt-4o-mini-search-preview-2025-03-11', 'gpt-4o-mini-search-preview')
    await ask('x=1', 'my-local-llama')
    const mine = await ask('x=2', 'acme-1')
    const completed = (await eventsOf(recorder, id, fetch)).filter((e) => e.type === 'provider.call.completed').map((e) => e.data)
    expect(completed[0]).toMatchObject({ costUsd: 0.0123, costSource: 'provider' })
    expect(completed[0]).not.toHaveProperty('priceKey')
    expect(fromProvider.usage).toMatchObject({ cost: 0.0123 })
    expect(completed[1]).toMatchObject({ model: 'gpt-4o-mini-search-preview-2025-03-11', requestModel: 'gpt-4o-mini-search-preview', costSource: 'estimated', priceKey: 'gpt-4o-mini' })
    expect(completed[1]!.costUsd).toBeCloseTo(costOf('gpt-4o-mini', estimated.usage!.prompt_tokens, estimated.usage!.completion_tokens), 12)
    expect(completed[2]).toMatchObject({ model: 'my-local-llama', usage: { inputTokens: expect.any(Number) } })
    expect(completed[2]).not.toHaveProperty('costUsd')
    expect(completed[3]).toMatchObject({ costSource: 'computed', priceKey: 'acme-1', costUsd: (mine.usage!.prompt_tokens * 1 + mine.usage!.completion_tokens * 2) / 1e6 })
  })

  test('match: include and exclude prefixes, or a predicate; other fetches pass through unrecorded', async () => {
    const { recorder, id } = await recording()
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'm' }] })
    const post = (f: InstrumentedFetch, base: string) => f(`${mock}/${base}/v1/chat/completions`, { method: 'POST', body }).then((r) => r.text())
    const include = createInstrumentedFetch(recorder, { match: [`${mock}/tag=in/`] })
    const exclude = createInstrumentedFetch(recorder, { match: { exclude: [`${mock}/tag=out/`] } })
    const predicate = createInstrumentedFetch(recorder, { match: (url) => url.includes('tag=pred') })
    for (const [f, base] of [[include, 'tag=in'], [include, 'tag=other'], [exclude, 'tag=out'], [exclude, 'tag=kept'], [predicate, 'tag=pred'], [predicate, 'tag=nope']] as const) {
      expect(await post(f, base)).toContain('mock reply')
    }
    // Not an LLM path at all: never recorded, whatever the match says.
    expect((await include(`${mock}/tag=in/__mock/requests`)).status).toBe(200)
    await Promise.all([include.settled(), exclude.settled(), predicate.settled()])
    const started = (await eventsOf(recorder, id)).filter((e) => e.type === 'provider.call.started').map((e) => String(e.data.url))
    expect(started).toEqual([`${storedMock}/tag=in/v1/chat/completions`, `${storedMock}/tag=kept/v1/chat/completions`, `${storedMock}/tag=pred/v1/chat/completions`])
  })

  test('instrumentFetch patches globalThis.fetch; uninstall restores it and silences clients that captured the wrapper', async () => {
    const { recorder, id } = await recording()
    const before = globalThis.fetch
    const uninstall = instrumentFetch(recorder)
    expect(globalThis.fetch).not.toBe(before)
    const client = new OpenAI({ apiKey: KEY, baseURL: `${mock}/v1`, dangerouslyAllowBrowser: true, maxRetries: 0 }) // captures the global fetch now
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one' }] })
    await uninstall.settled()
    uninstall()
    expect(globalThis.fetch).toBe(before)
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'two' }] })
    await (await fetch(`${mock}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o', messages: [] }) })).text()
    const events = await eventsOf(recorder, id)
    expect(events.map((e) => e.type)).toEqual(['provider.call.started', 'provider.call.completed'])
    expect(events[0]!.data.messages).toEqual([{ role: 'user', content: 'one' }])
  })

  test('a recorder that cannot record never breaks the app: no session → skipped; a throwing recorder → counted', async () => {
    const idle = recorderFor(uniqueDb())
    await idle.ready()
    const skipping = createInstrumentedFetch(idle)
    const errors: unknown[] = []
    const broken = createInstrumentedFetch({ record: () => { throw new Error('disk on fire') } }, { onError: (e) => errors.push(e) })
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'still works?' }] }
    const expected = await openai(plainFetch, 'gap=2').chat.completions.create(request)
    expect(await openai(skipping, 'gap=2').chat.completions.create(request)).toEqual(expected)
    expect(await openai(broken, 'gap=2').chat.completions.create(request)).toEqual(expected)
    let text = ''
    for await (const chunk of await openai(broken, 'gap=2').chat.completions.create({ ...request, stream: true })) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe(expected.choices[0]!.message.content)
    await Promise.all([skipping.settled(), broken.settled()])
    expect(skipping.stats).toMatchObject({ skipped: 1, recorded: 0, errors: 0 })
    expect(broken.stats).toMatchObject({ recorded: 0, errors: 4 })
    expect(errors).toHaveLength(4)
    expect(broken.stats.lastError).toMatchObject({ message: 'disk on fire' })
  })
})

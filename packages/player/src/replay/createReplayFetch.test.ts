/**
 * The replay fetch against the real SDKs in Node: calls are first recorded for real (the `openai`
 * and `@anthropic-ai/sdk` clients → core's fetch instrumentation → the mock LLM of
 * e2e/support/mockLlm.ts), then the same clients are pointed at the replay and must read the
 * same text, tool calls and usage, streaming and not.
 */
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startMockLlm, type MockLlm } from '../../../../e2e/support/mockLlm'
import { recordingSink } from '../../test/recordCalls'
import { makeEvents } from '../../test/events'
import { loadRecording } from '../load/loadRecording'
import type { Recording } from '../recording/Recording'
import { createReplayFetch } from './createReplayFetch'
import { recordedCalls } from './recordedCalls'

const TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'lookupOrder', description: 'Finds an order', parameters: { type: 'object', properties: { orderId: { type: 'string' } } } } },
]
const ASK = 'Where is my order ORD-4471?'
const REPLAY_URL = 'http://127.0.0.1/v1'

interface StreamResult {
  text: string
  toolCalls: Array<{ id?: string; name: string; arguments: string }>
  finish: string | null
  usage: OpenAI.CompletionUsage | null | undefined
  model: string
}

async function readStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<StreamResult> {
  const result: StreamResult = { text: '', toolCalls: [], finish: null, usage: undefined, model: '' }
  for await (const chunk of stream) {
    result.model = chunk.model
    if (chunk.usage) result.usage = chunk.usage
    const choice = chunk.choices[0]
    if (!choice) continue
    result.text += choice.delta.content ?? ''
    for (const call of choice.delta.tool_calls ?? []) {
      const slot = (result.toolCalls[call.index] ??= { name: '', arguments: '' })
      if (call.id) slot.id = call.id
      if (call.function?.name) slot.name = call.function.name
      slot.arguments += call.function?.arguments ?? ''
    }
    if (choice.finish_reason) result.finish = choice.finish_reason
  }
  return result
}

/** The conversation both runs make: four calls, two streamed, two with a tool call. */
async function conversation(client: OpenAI) {
  const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: ASK }], tools: TOOLS })
  const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall
  const second = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'user', content: ASK },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ orderId: 'ORD-4471', status: 'shipped', eta: 'Friday' }) },
    ],
    tools: TOOLS,
  })
  const third = await readStream(
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me something nice.' }], stream: true, stream_options: { include_usage: true } }),
  )
  const fourth = await readStream(
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'And where is order ORD-9?' }], tools: TOOLS, stream: true }),
  )
  return { first, second, third, fourth }
}

function essentials(completion: OpenAI.Chat.Completions.ChatCompletion) {
  const message = completion.choices[0]!.message
  return {
    id: completion.id,
    model: completion.model,
    content: message.content,
    toolCalls: (message.tool_calls ?? []).map((c) => {
      const fn = (c as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall).function
      return { id: c.id, name: fn.name, arguments: JSON.parse(fn.arguments) as unknown }
    }),
    finish: completion.choices[0]!.finish_reason,
    usage: completion.usage,
  }
}

let mock: MockLlm
let recording: Recording
let original: Awaited<ReturnType<typeof conversation>>

beforeAll(async () => {
  mock = await startMockLlm({ defaults: { cached: 3, reasoning: 2 } })
  const sink = recordingSink('s_replay')
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${mock.url}/ttft=20/gap=5/v1`, fetch: sink.fetch, maxRetries: 0 })
  original = await conversation(client)
  await sink.fetch.settled()
  recording = await loadRecording(sink.events)
})
afterAll(() => mock.close())

describe('createReplayFetch with the real openai client', () => {
  test('the recording holds the four calls as the instrumentation saw them', () => {
    const calls = recordedCalls(recording)
    expect(calls.map((c) => [c.status, c.api, c.stream])).toEqual([
      ['completed', 'openai.chat', false],
      ['completed', 'openai.chat', false],
      ['completed', 'openai.chat', true],
      ['completed', 'openai.chat', true],
    ])
    expect(calls[0]!.response!.toolCalls![0]!.name).toBe('lookupOrder')
  })

  test('non-streaming: the same id, text, tool calls, finish reason and usage as the provider gave', async () => {
    const replay = createReplayFetch(recording)
    const client = new OpenAI({ apiKey: 'x', baseURL: REPLAY_URL, fetch: replay, maxRetries: 0 })
    const again = await conversation(client)
    expect(essentials(again.first)).toEqual(essentials(original.first))
    expect(essentials(again.second)).toEqual(essentials(original.second))
    expect(again.first.choices[0]!.message.tool_calls![0]).toMatchObject({ type: 'function', function: { name: 'lookupOrder' } })
    expect(again.second.choices[0]!.message.content).toBe('Order ORD-4471 is shipped, arriving Friday.')
    expect(again.first.usage).toMatchObject({ prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 2 } })
    expect(replay.log.map((entry) => [entry.match, entry.status])).toEqual([
      ['exact', 200],
      ['exact', 200],
      ['exact', 200],
      ['exact', 200],
    ])
    expect(replay.remaining()).toBe(0)
  })

  test('streaming: the same text, tool call pieces, finish reason and final usage chunk', async () => {
    const client = new OpenAI({ apiKey: 'x', baseURL: REPLAY_URL, fetch: createReplayFetch(recording), maxRetries: 0 })
    const again = await conversation(client)
    expect(again.third).toEqual(original.third)
    expect(again.third.text.length).toBeGreaterThan(10)
    expect(again.third.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) })
    expect(again.fourth).toEqual(original.fourth)
    expect(again.fourth.toolCalls).toEqual([{ id: expect.any(String), name: 'lookupOrder', arguments: '{"orderId":"A1042"}' }]) // the mock's default id: ORD-9 is not an id it knows
    expect(again.fourth.finish).toBe('tool_calls')
    // Without stream_options.include_usage the provider sends no usage, and neither does the replay.
    expect(again.fourth.usage).toBeUndefined()
  })

  test('a request asked out of order finds its recorded call by its prompt', async () => {
    const replay = createReplayFetch(recording)
    const client = new OpenAI({ apiKey: 'x', baseURL: REPLAY_URL, fetch: replay, maxRetries: 0 })
    const third = await readStream(
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me something nice.' }], stream: true, stream_options: { include_usage: true } }),
    )
    expect(third).toEqual(original.third)
    // A prompt that was never recorded: the same model, the first call not used yet.
    const other = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Something new' }] })
    expect(essentials(other).toolCalls[0]!.name).toBe('lookupOrder')
    // Another model: in call order.
    await client.chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'x' }] })
    expect(replay.log.map((entry) => [entry.match, entry.callId])).toEqual([
      ['exact', recordedCalls(recording)[2]!.callId],
      ['model', recordedCalls(recording)[0]!.callId],
      ['order', recordedCalls(recording)[1]!.callId],
    ])
  })

  test('when every recorded call is used, the client gets a 404 that says so', async () => {
    const replay = createReplayFetch(recording)
    const client = new OpenAI({ apiKey: 'x', baseURL: REPLAY_URL, fetch: replay, maxRetries: 0 })
    await conversation(client)
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: ASK }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    expect((error as Error).message).toMatch(/every recorded call \(4\) has been answered/)
    expect(replay.log.at(-1)).toMatchObject({ match: 'none', callId: null, status: 404 })
    replay.reset()
    expect(replay.remaining()).toBe(4)
  })

  test('a recorded 429 is answered as a 429 the SDK raises as RateLimitError', async () => {
    const sink = recordingSink('s_fail')
    const client = new OpenAI({ apiKey: 'x', baseURL: `${mock.url}/status=429/v1`, fetch: sink.fetch, maxRetries: 0 })
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.RateLimitError)
    await sink.fetch.settled()
    const failed = await loadRecording(sink.events)
    expect(recordedCalls(failed)[0]!.status).toBe('failed')
    const replayClient = new OpenAI({ apiKey: 'x', baseURL: REPLAY_URL, fetch: createReplayFetch(failed), maxRetries: 0 })
    const error = await replayClient.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429)
  })

  test('other requests go to the fallback, or get a 404', async () => {
    const replay = createReplayFetch(recording)
    const response = await replay('http://127.0.0.1/v1/models')
    expect(response.status).toBe(404)
    const viaFallback = createReplayFetch(recording, { fallback: async () => new Response('fine') })
    expect(await (await viaFallback('http://127.0.0.1/health')).text()).toBe('fine')
    expect(replay.log).toEqual([])
  })

  test('an aborted request rejects with the abort reason', async () => {
    const controller = new AbortController()
    controller.abort()
    const replay = createReplayFetch(recording)
    await expect(replay(`${REPLAY_URL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('createReplayFetch timing', () => {
  test('recorded: waits for the headers, the first token, then spreads the rest to the recorded latency', async () => {
    const events = makeEvents('s_t', [
      [0, 'session.started'],
      [10, 'provider.call.started', { callId: 'c1', provider: 'openai', model: 'm', api: 'openai.chat', stream: true, messages: [{ role: 'user', content: 'hi' }] }],
      [1010, 'provider.call.completed', { callId: 'c1', model: 'm', api: 'openai.chat', response: { text: 'one two three four' }, headersMs: 100, ttftMs: 400, latencyMs: 1000, usage: { inputTokens: 5, outputTokens: 4 } }],
    ])
    const waits: number[] = []
    const replay = createReplayFetch(await loadRecording(events), { timing: 'recorded', sleep: async (ms) => void waits.push(ms) })
    const client = new OpenAI({ apiKey: 'x', baseURL: REPLAY_URL, fetch: replay, maxRetries: 0 })
    const result = await readStream(await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }))
    expect(result.text).toBe('one two three four')
    // headers at 100, first word at 400, then 5 frames (3 words, the finish chunk, [DONE]) over the last 600 ms
    expect(waits[0]).toBe(100)
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeCloseTo(1000, 6)
    expect(waits.slice(1)).toEqual([300, 120, 120, 120, 120, 120].map((ms) => expect.closeTo(ms, 6)))
  })

  test('instant: no waiting at all', async () => {
    const waits: number[] = []
    const replay = createReplayFetch(recording, { sleep: async (ms) => void waits.push(ms) })
    const client = new OpenAI({ apiKey: 'x', baseURL: REPLAY_URL, fetch: replay, maxRetries: 0 })
    await conversation(client)
    expect(waits).toEqual([])
  })
})

describe('createReplayFetch with the real Anthropic client', () => {
  test('messages, streaming and not, with a tool call: the same content, stop reason and usage', async () => {
    const sink = recordingSink('s_anthropic')
    const tools: Anthropic.Tool[] = [{ name: 'lookupOrder', description: 'Finds an order', input_schema: { type: 'object', properties: { orderId: { type: 'string' } } } }]
    const ask = async (client: Anthropic) => {
      const plain = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello.' }] })
      const streamed = await client.messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 200, messages: [{ role: 'user', content: ASK }], tools }).finalMessage()
      return { plain, streamed }
    }
    const recordedAnswers = await ask(new Anthropic({ apiKey: 'x', baseURL: `${mock.url}/gap=2`, fetch: sink.fetch, maxRetries: 0 }))
    await sink.fetch.settled()
    const anthropicRecording = await loadRecording(sink.events)
    const replay = createReplayFetch(anthropicRecording)
    const replayed = await ask(new Anthropic({ apiKey: 'x', baseURL: 'http://127.0.0.1', fetch: replay, maxRetries: 0 }))
    const pick = (m: Anthropic.Message) => ({ id: m.id, model: m.model, content: m.content, stop: m.stop_reason, usage: { input: m.usage.input_tokens, output: m.usage.output_tokens } })
    expect(pick(replayed.plain)).toEqual(pick(recordedAnswers.plain))
    expect(pick(replayed.streamed)).toEqual(pick(recordedAnswers.streamed))
    expect(replayed.streamed.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'lookupOrder', input: { orderId: 'ORD-4471' } })])
    expect(replay.log.map((entry) => entry.match)).toEqual(['exact', 'exact'])
  })
})

/**
 * The fetch instrumentation's privacy and options, in a real Chromium with the real SDKs and the mock
 * provider (e2e/support/mockLlm.ts): no API key at rest, `capture: 'metadata'`, costs, `match`,
 * patching `globalThis.fetch`, and a recorder that cannot record.
 */
import OpenAI from 'openai'
import { describe, expect, test } from 'vitest'
import { rawStoredText, recorderFor, uniqueDb } from '../../test/browser'
import { anthropic, ANTHROPIC_KEY, costOf, eventsOf, KEY, mock, openai, ORDER_TOOL, plainFetch, recording, reply, storedMock, restoreAfterEach } from '../../test/llmClients'
import type { Recorder } from '../client/types'
import { createInstrumentedFetch, instrumentFetch, type InstrumentedFetch } from './instrumentFetch'

restoreAfterEach()

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

/**
 * The fetch instrumentation is invisible to the app, in a real Chromium with the real SDKs and the
 * mock provider (e2e/support/mockLlm.ts): the same results, chunks and bytes as without it, never
 * held back — and what it records when a call is cut short, aborted, cancelled or refused.
 */
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { describe, expect, test } from 'vitest'
import { anthropic, ANTHROPIC_KEY, eventsOf, KEY, mock, openai, ORDER_TOOL, pieces, plainFetch, recording, reply, restoreAfterEach } from '../../test/llmClients'
import { createInstrumentedFetch, type InstrumentedFetch } from './instrumentFetch'

restoreAfterEach()

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

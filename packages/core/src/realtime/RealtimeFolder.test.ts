// The folding logic on its own (the WebRTC path is in recordRealtime.browser.test.ts): beta event
// names, failed and still-open responses, a cancel from the app, and nothing thrown into the app.
import { describe, expect, test } from 'vitest'
import { createRealtimeFolder } from './RealtimeFolder'
import { priceRealtimeUsage, readRealtimeUsage } from './realtimeUsage'

function setup() {
  const events: Array<{ type: string; data: Record<string, unknown> }> = []
  let t = 0
  const recorder = {
    record: (type: string, data: unknown) => {
      events.push({ type, data: data as Record<string, unknown> })
      return true
    },
  }
  const folder = createRealtimeFolder(recorder as never, { now: () => t, model: 'gpt-realtime-mini' })
  const at = (ms: number) => (t = ms)
  return { events, folder, at, of: (type: string) => events.filter((event) => event.type === type).map((event) => event.data) }
}

describe('createRealtimeFolder', () => {
  test('beta event names fold like the GA ones; the turn latency runs from the end of speech to the first audio delta', () => {
    const { folder, at, of } = setup()
    at(100), folder.server({ type: 'input_audio_buffer.speech_started', item_id: 'u' })
    at(500), folder.server({ type: 'input_audio_buffer.speech_stopped', item_id: 'u' })
    at(520), folder.server({ type: 'response.created', response: { id: 'r' } })
    at(700), folder.server({ type: 'response.audio.delta', response_id: 'r', delta: 'AAAA' })
    at(710), folder.server({ type: 'response.audio_transcript.delta', response_id: 'r', item_id: 'a', delta: 'Hel' })
    at(720), folder.server({ type: 'response.audio_transcript.delta', response_id: 'r', item_id: 'a', delta: 'lo' })
    at(800), folder.server({ type: 'response.audio_transcript.done', response_id: 'r', item_id: 'a' })
    at(810), folder.server({ type: 'response.done', response: { id: 'r', status: 'completed' } })
    expect(of('transcript.segment')).toEqual([{ speaker: 'assistant', text: 'Hello', startT: 710, endT: 800, final: true, responseId: 'r', itemId: 'a' }])
    expect(of('provider.call.completed')[0]).toMatchObject({ callId: 'r', model: 'gpt-realtime-mini', turnLatencyMs: 200, ttftMs: 190, latencyMs: 290, finishReason: 'stop' })
  })

  test('a failed response is provider.call.failed; one still open at close is aborted, its partial transcript kept', () => {
    const { folder, at, of } = setup()
    folder.server({ type: 'response.created', response: { id: 'r1' } })
    at(50), folder.server({ type: 'response.done', response: { id: 'r1', status: 'failed', status_details: { type: 'failed', error: { type: 'server_error', code: 'overloaded', message: 'Busy.' } } } })
    expect(of('provider.call.failed')).toEqual([{ callId: 'r1', provider: 'openai', model: 'gpt-realtime-mini', error: { name: 'RealtimeResponseFailed', message: 'Busy.', code: 'overloaded', type: 'server_error' }, latencyMs: 50 }])
    at(100), folder.server({ type: 'response.created', response: { id: 'r2' } })
    at(120), folder.server({ type: 'response.output_text.delta', response_id: 'r2', item_id: 'a', delta: 'Par' })
    at(200), folder.close('page-left')
    expect(of('provider.call.completed')[0]).toMatchObject({ callId: 'r2', finishReason: 'aborted', abortReason: 'page-left', response: { text: 'Par' } })
    expect(of('transcript.segment')).toEqual([{ speaker: 'assistant', text: 'Par', startT: 120, endT: 200, final: false, responseId: 'r2', itemId: 'a', interrupted: true }])
  })

  test("the app's response.cancel is a barge-in of its own, recorded once", () => {
    const { folder, at, of } = setup()
    folder.server({ type: 'response.created', response: { id: 'r' } })
    at(30), folder.client({ type: 'response.cancel' })
    folder.server({ type: 'input_audio_buffer.speech_started', item_id: 'u' })
    expect(of('turn.interrupted')).toEqual([{ reason: 'client-cancel', responseId: 'r', callId: 'r', atT: 30 }])
  })

  test('garbage and a recorder that throws never reach the app', () => {
    const record = () => {
      throw new Error('boom')
    }
    const errors: unknown[] = []
    const folder = createRealtimeFolder({ record } as never, { now: () => 0, onError: (error) => errors.push(error) })
    expect(() => {
      folder.server(null)
      folder.server('text')
      folder.server({ type: 'response.done' })
      folder.server({ type: 'error', error: 42 })
      folder.client({ type: 'conversation.item.create', item: null })
      folder.server({
        get type(): string {
          throw new Error('hostile getter')
        },
      })
    }).not.toThrow()
    expect(errors.map((error) => (error as Error).message)).toEqual(['boom', 'hostile getter']) // the refused error.raised, the unreadable event
    expect(folder.safe.stats.errors).toBe(2)
  })
})

describe('priceRealtimeUsage', () => {
  test('audio and text tokens at their own prices, cached ones at the cached prices', () => {
    const usage = readRealtimeUsage({
      input_tokens: 1000,
      output_tokens: 500,
      input_token_details: { text_tokens: 400, audio_tokens: 600, cached_tokens: 300, cached_tokens_details: { text_tokens: 100, audio_tokens: 200 } },
      output_token_details: { text_tokens: 100, audio_tokens: 400 },
    })!
    // gpt-realtime-mini: text 0.6 / 0.06 / 2.4, audio 10 / 0.3 / 20 per million.
    const expected = (300 * 0.6 + 100 * 0.06 + 400 * 10 + 200 * 0.3 + 100 * 2.4 + 400 * 20) / 1e6
    expect(priceRealtimeUsage('gpt-realtime-mini-2025-10-06', usage)).toEqual({ costUsd: Math.round(expected * 1e12) / 1e12, costSource: 'computed', priceKey: 'gpt-realtime-mini', priceTableVersion: expect.any(String) })
    // A model without audio prices is priced at its text prices.
    expect(priceRealtimeUsage('gpt-4o-mini', usage)!.costUsd).toBeCloseTo((300 * 0.15 + 100 * 0.075 + 400 * 0.15 + 200 * 0.075 + 500 * 0.6) / 1e6, 12)
    expect(priceRealtimeUsage('unknown-model', usage)).toBeUndefined()
  })
})

import { afterEach, describe, expect, test } from 'vitest'
import { closeAll, recorderFor, uniqueDb } from '../../test/browser'

afterEach(closeAll)

describe('recordInteraction', () => {
  test('writes provider.call.started and .completed; timestamp back-dates both, latencyMs as given', async () => {
    const recorder = recorderFor(uniqueDb(), { debug: false })
    const { id } = await recorder.start()
    const at = new Date('2026-01-02T03:04:05.000Z')
    const callId = recorder.recordInteraction({
      model: 'gpt-4o-mini',
      provider: 'openai',
      prompt: 'Where is my order?',
      response: { text: 'On its way.' },
      tokens: { input: 15, output: 25, total: 40 },
      cost: 0.0008,
      latency: 1200,
      requestMetadata: { temperature: 0.2 },
      timestamp: at,
    })
    const now = recorder.recordInteraction({ model: 'm', callId: 'call_now' })
    await recorder.flush()
    const events = (await recorder.sessions.events(id)).filter((e) => e.type.startsWith('provider.'))
    expect(events.map((e) => [e.type, e.ts, e.data])).toEqual([
      ['provider.call.started', at.getTime(), { callId, provider: 'openai', model: 'gpt-4o-mini', params: { temperature: 0.2 }, messages: [{ role: 'user', content: 'Where is my order?' }] }],
      ['provider.call.completed', at.getTime(), { callId, provider: 'openai', model: 'gpt-4o-mini', response: { text: 'On its way.' }, usage: { inputTokens: 15, outputTokens: 25 }, costUsd: 0.0008, latencyMs: 1200 }],
      ['provider.call.started', expect.any(Number), { callId: 'call_now', provider: 'unknown', model: 'm' }],
      ['provider.call.completed', expect.any(Number), { callId: 'call_now', provider: 'unknown', model: 'm' }],
    ])
    expect(callId).toMatch(/^call_/)
    expect(now).toBe('call_now')
    expect(Math.abs(events[2]!.ts - Date.now())).toBeLessThan(60_000)
    // `t` is the session's monotonic clock: a back-dated event does not move it back.
    expect(events[0]!.t).toBeGreaterThanOrEqual(0)
    expect(events.map((e) => e.t)).toEqual([...events.map((e) => e.t)].sort((a, b) => a - b))
  })

  test('an interaction it cannot read, or a bad timestamp, is reported, not thrown; a response it cannot take ends the call as failed', async () => {
    const recorder = recorderFor(uniqueDb(), { debug: false })
    expect(recorder.recordInteraction({ model: 'before start' })).toMatch(/^call_/)
    const { id } = await recorder.start()
    expect(recorder.recordInteraction(undefined as never)).toBe('')
    expect(recorder.recordInteraction({ model: 'm', timestamp: Number.NaN })).toBe('')
    const callId = recorder.recordInteraction({ model: 'm', response: { big: 1n } })
    await recorder.flush()
    const events = (await recorder.sessions.events(id)).filter((e) => e.type.startsWith('provider.'))
    expect(events.map((e) => [e.type, (e.data as { callId?: string }).callId])).toEqual([
      ['provider.call.started', callId],
      ['provider.call.failed', callId],
    ])
    expect(events[1]!.data).toMatchObject({ error: { name: 'TapedeckError', message: expect.stringContaining('BigInt') } })
    expect(recorder.getSnapshot().errors.map((error) => error.code)).toEqual(['no_active_session', 'invalid_event_data', 'invalid_event_data', 'not_serializable'])
  })
})

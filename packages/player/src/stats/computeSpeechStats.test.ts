import { describe, expect, test } from 'vitest'
import { makeEvents, supportSession } from '../../test/events'
import { computeStats } from './computeStats'

/** A voice session with numbers chosen to be checked by hand. */
const voiceSession = () =>
  makeEvents('s_voice', [
    [0, 'session.started', {}],
    [2000, 'transcript.segment', { speaker: 'user', text: "What's the weather in Paris?", startT: 1000, endT: 2000, final: true }],
    [2600, 'metric.sampled', { name: 'rtc.roundTripTime', value: 40, unit: 'ms' }],
    [2600, 'metric.sampled', { name: 'rtc.jitter', value: 2, unit: 'ms' }],
    [2600, 'metric.sampled', { name: 'rtc.packetLoss', value: 0, unit: 'ratio' }],
    [4000, 'transcript.segment', { speaker: 'assistant', text: 'It is 18 degrees and clear.', startT: 2500, endT: 4000, final: true }],
    [4010, 'provider.call.completed', { callId: 'r1', model: 'gpt-realtime', turnLatencyMs: 400 }],
    [6000, 'transcript.segment', { speaker: 'user', text: 'Tell me a story', startT: 5000, endT: 6000, final: true }],
    [7500, 'turn.interrupted', { reason: 'user-speech', callId: 'r2', atT: 7500 }],
    [7600, 'metric.sampled', { name: 'rtc.roundTripTime', value: 60, unit: 'ms' }],
    [7600, 'metric.sampled', { name: 'rtc.jitter', value: 4, unit: 'ms' }],
    [7600, 'metric.sampled', { name: 'rtc.packetLoss', value: 0.02, unit: 'ratio' }],
    [7600, 'metric.sampled', { name: 'x.other', value: 999 }],
    [8000, 'transcript.segment', { speaker: 'assistant', text: 'Once upon a time', startT: 6500, endT: 8000, final: false, interrupted: true }],
    [8010, 'provider.call.completed', { callId: 'r2', model: 'gpt-realtime', turnLatencyMs: 700, finishReason: 'aborted' }],
    [8500, 'transcript.segment', { speaker: 'user', text: 'Stop thanks', startT: 7500, endT: 8500, final: true }],
    [8600, 'turn.interrupted', { reason: 'client-cancel', callId: 'r3', atT: 8600 }],
  ])

describe('computeStats(recording).speech', () => {
  test('talk time, turns, words per minute, silence, overlap, barge-ins, turn latency and call quality, worked out by hand', () => {
    expect(computeStats(voiceSession()).speech).toEqual({
      speakers: {
        // 1000 + 1000 + 1000 ms; 5 + 4 + 2 words → 11 / 0.05 min
        user: { turns: 3, talkTimeMs: 3000, words: 11, wordsPerMinute: 220 },
        // 1500 + 1500 ms; 6 + 4 words
        assistant: { turns: 2, talkTimeMs: 3000, words: 10, wordsPerMinute: 200 },
      },
      // 1000 → 8500; spoken 1000–2000, 2500–4000, 5000–6000, 6500–8500 = 5500
      spanMs: 7500,
      silenceMs: 2000,
      // the user's "Stop thanks" from 7500 over the assistant until 8000
      overlapMs: 500,
      interruptions: { total: 2, byReason: { 'user-speech': 1, 'client-cancel': 1 } },
      turnLatencyMs: { count: 2, p50: 400, p95: 700, mean: 550, max: 700 },
      quality: {
        roundTripTimeMs: { count: 2, p50: 40, p95: 60, mean: 50, max: 60 },
        jitterMs: { count: 2, p50: 2, p95: 4, mean: 3, max: 4 },
        packetLoss: { count: 2, p50: 0, p95: 0.02, mean: 0.01, max: 0.02 },
      },
    })
  })

  test('a speaker overlapping themself is not an overlap, and a recording without voice has no speech figures', () => {
    const events = makeEvents('s', [
      [0, 'transcript.segment', { speaker: 'assistant', text: 'a b', startT: 0, endT: 1000, final: true }],
      [0, 'transcript.segment', { speaker: 'assistant', text: 'c', startT: 500, endT: 1500, final: true }],
    ])
    expect(computeStats(events).speech).toMatchObject({ speakers: { assistant: { turns: 2, talkTimeMs: 1500, words: 3 } }, overlapMs: 0, silenceMs: 0, spanMs: 1500 })
    expect('speech' in computeStats(supportSession())).toBe(false)
  })
})

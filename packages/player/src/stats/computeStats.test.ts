import { describe, expect, test } from 'vitest'
import { makeEvents, supportSession } from '../../test/events'
import { loadRecording } from '../load/loadRecording'
import { computeStats, distribution } from './computeStats'

describe('computeStats', () => {
  test('a hand-built support chat gives the numbers worked out by hand', async () => {
    const stats = computeStats(await loadRecording(supportSession()))
    expect(stats).toEqual({
      events: 25,
      durationMs: 608_000,
      // every step between events, minus the one 600 000 ms pause (over 5 min)
      activeTimeMs: 8_000,
      costUsd: 0.0015, // 0.0004 + 0.0006 + 0.0005
      tokens: { input: 450, output: 90, cached: 50, reasoning: 10, total: 540 },
      calls: {
        total: 5,
        completed: 3,
        failed: 1,
        unfinished: 1,
        // completed latencies 1200, 800, 1000 → sorted 800, 1000, 1200: rank ⌈0.5·3⌉ = 2, ⌈0.95·3⌉ = 3
        latencyMs: { count: 3, p50: 1000, p95: 1200, mean: 1000, max: 1200 },
        ttftMs: { count: 3, p50: 300, p95: 400, mean: 300, max: 400 },
      },
      errors: { total: 3, failedCalls: 1, raised: 1, toolErrors: 1 },
      tools: {
        changeAddress: { count: 1, errors: 1, meanDurationMs: 300 },
        lookupOrder: { count: 1, errors: 0, meanDurationMs: 250 },
      },
      messages: { total: 4, byRole: { user: 2, assistant: 2 } },
      userActions: { total: 3, byKind: { click: 2, input: 1 } },
      checks: {},
    })
  })

  test('the idle threshold is an option', async () => {
    const recording = await loadRecording(supportSession())
    // gaps over 1 s: the 1200 ms wait for c1 and the 600 000 ms pause; 1000 ms gaps still count
    expect(computeStats(recording, { idleGapMs: 1000 }).activeTimeMs).toBe(6_800)
  })

  test('tool durations fall back to completed t − started t; tool calls without ids still count', () => {
    const events = makeEvents('s1', [
      [0, 'session.started'],
      [10, 'tool.call.started', { toolCallId: 'a', name: 'search' }],
      [70, 'tool.call.completed', { toolCallId: 'a', name: 'search' }],
      [80, 'tool.call.started', { toolCallId: 'b', name: 'search' }],
      [100, 'tool.call.completed', { toolCallId: 'b', name: 'search', durationMs: 40 }],
      [120, 'tool.call.completed', { name: 'search', durationMs: 20, error: { message: 'boom' } }],
      [130, 'tool.call.started', { toolCallId: 'c', name: 'search' }],
    ])
    expect(computeStats(events).tools).toEqual({ search: { count: 4, errors: 1, meanDurationMs: (60 + 40 + 20) / 3 } })
  })

  test('no calls: empty distributions, zero cost', () => {
    const stats = computeStats(makeEvents('s1', [[0, 'session.started']]))
    expect(stats.calls).toEqual({
      total: 0, completed: 0, failed: 0, unfinished: 0,
      latencyMs: { count: 0, p50: null, p95: null, mean: null, max: null },
      ttftMs: { count: 0, p50: null, p95: null, mean: null, max: null },
    })
    expect(stats.costUsd).toBe(0)
    expect(stats.durationMs).toBe(0)
  })

  test('nearest-rank percentiles over 20 samples', () => {
    const samples = Array.from({ length: 20 }, (_, i) => (i + 1) * 10) // 10…200
    expect(distribution(samples)).toEqual({ count: 20, p50: 100, p95: 190, mean: 105, max: 200 })
    expect(distribution([7])).toEqual({ count: 1, p50: 7, p95: 7, mean: 7, max: 7 })
  })
})

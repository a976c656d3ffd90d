import { describe, expect, it } from 'vitest'
import type { WireEvent } from '../store/SessionStore.js'
import { event, recordSession, shuffle } from '../testing/events.js'
import { describeSession } from './describeSession.js'
import { emptySummary, foldEvents, MAX_STORED_RANGES } from './sessionSummary.js'

describe('foldEvents', () => {
  it('gives the same summary whatever order batches are folded in', () => {
    const { batches } = recordSession('s_1', 95, { batchSize: 7 })
    const inOrder = batches.reduce(foldEvents, emptySummary('s_1'))
    for (const seed of [1, 2, 3]) {
      const shuffled = shuffle(batches, seed).reduce(foldEvents, emptySummary('s_1'))
      expect(describeSession(shuffled)).toEqual(describeSession(inOrder))
    }
    expect(describeSession(inOrder).completeness).toEqual({ complete: true, lastSeq: 94, gaps: [] })
  })

  it('takes metadata only from the seq-0 session.started', () => {
    const late = foldEvents(emptySummary('s_1'), [event('s_1', 5, 'session.started', { userId: 'wrong' })])
    expect(describeSession(late).metadata).toEqual({})
    const started = foldEvents(late, [event('s_1', 0, 'session.started', { userId: 'right' })])
    expect(describeSession(started).metadata).toEqual({ userId: 'right' })
    expect(describeSession(started).startedAt).toBe(started.firstTs)
  })

  it('is not complete without session.ended, and reports gaps up to the highest seq', () => {
    const summary = foldEvents(emptySummary('s_1'), [event('s_1', 0), event('s_1', 3)])
    expect(describeSession(summary).completeness).toEqual({ complete: false, lastSeq: 3, gaps: [{ from: 1, to: 2 }] })
  })

  it('ignores payload fields of the wrong type', () => {
    const summary = foldEvents(emptySummary('s_1'), [
      event('s_1', 0, 'provider.call.completed', { costUsd: '1', usage: { inputTokens: 'x', outputTokens: null } }),
      // As a careless client could send it: the wire is not typed.
      { ...event('s_1', 1, 'provider.call.completed'), data: 'not an object', t: 'soon' } as unknown as WireEvent,
    ])
    expect(describeSession(summary).stats).toMatchObject({ calls: 2, costUsd: 0, inputTokens: 0, outputTokens: 0, durationMs: 0 })
  })

  it('bounds the runs of stored seqs too, however well markers explain the holes between them', () => {
    // Every other seq, and one marker explaining the range: one covered run, many stored ones.
    const sparse = (runs: number) => [
      ...Array.from({ length: runs }, (_, i) => event('s_1', 2 * i)),
      event('s_1', 2 * runs, 'seq.skipped', { from: 1, to: 2 * runs - 1 }),
    ]
    const most = foldEvents(emptySummary('s_1'), sparse(MAX_STORED_RANGES - 1))
    expect(most.received).toHaveLength(MAX_STORED_RANGES)
    expect(describeSession(most).completeness.gaps).toEqual([])
    expect(() => foldEvents(emptySummary('s_1'), sparse(MAX_STORED_RANGES))).toThrow(expect.objectContaining({ code: 'session_fragmented' }))
  })
})

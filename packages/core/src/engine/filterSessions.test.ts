import { describe, expect, test } from 'vitest'
import { emptyCounters, type SessionRecord } from '../storage/schema'
import { filterSessions } from './reads'

function session(id: string, startedAt: number, extra: Partial<SessionRecord> = {}): SessionRecord {
  return { id, status: 'ended', startedAt, updatedAt: startedAt, metadata: {}, lastSeq: 0, lastT: 0, counters: emptyCounters(), ...extra }
}

const all = [
  session('a', 100, { userId: 'u1', feature: 'chat' }),
  session('b', 300, { userId: 'u2', feature: 'voice', status: 'active' }),
  session('c', 200, { userId: 'u1', feature: 'voice' }),
  session('d', 300, { userId: 'u1', feature: 'chat', status: 'interrupted' }),
]

describe('filterSessions', () => {
  test('lists newest first, ties by id', () => {
    expect(filterSessions(all, {}).sessions.map((s) => s.id)).toEqual(['d', 'b', 'c', 'a'])
  })

  test('filters by user, feature, status and start time', () => {
    expect(filterSessions(all, { userId: 'u1' }).sessions.map((s) => s.id)).toEqual(['d', 'c', 'a'])
    expect(filterSessions(all, { feature: 'voice' }).sessions.map((s) => s.id)).toEqual(['b', 'c'])
    expect(filterSessions(all, { status: 'interrupted' }).sessions.map((s) => s.id)).toEqual(['d'])
    expect(filterSessions(all, { from: 200, to: 300 }).sessions.map((s) => s.id)).toEqual(['c'])
  })

  test('pages with a cursor until the end, each session once', () => {
    const seen: string[] = []
    let cursor: string | undefined
    for (let page = 0; page < 10; page++) {
      const result = filterSessions(all, { limit: 1, ...(cursor && { cursor }) })
      seen.push(...result.sessions.map((s) => s.id))
      cursor = result.nextCursor
      if (!cursor) break
    }
    expect(seen).toEqual(['d', 'b', 'c', 'a'])
  })
})

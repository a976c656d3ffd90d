import { describe, expect, it } from 'vitest'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { event } from '../testing/events.js'
import { bulkLoadPostgres } from './bulkLoadPostgres.js'
import { createMemoryStore } from './createMemoryStore.js'
import { createPostgresStore } from './createPostgresStore.js'
import { LIST_TOTAL_CAP, SEARCH_TOTAL_CAP, type SessionStore, type WireEvent } from './SessionStore.js'

/**
 * LIST_TOTAL_CAP + 2 sessions: 1,001 hold the word "needle", one "straw", the rest "hay"; every
 * tenth is user v's (about 1,000), the rest user u's.
 */
function sessions(): WireEvent[][] {
  return Array.from({ length: LIST_TOTAL_CAP + 2 }, (_, i) => {
    const id = `s_${i}`
    const content = i === 0 ? 'straw' : i <= SEARCH_TOTAL_CAP + 1 ? 'a needle here' : 'hay'
    return [event(id, 0, 'session.started', { userId: i % 10 ? 'u' : 'v' }), event(id, 1, 'message.created', { messageId: 'm', role: 'user', content })]
  })
}

async function expectCapped(store: SessionStore): Promise<void> {
  const searched = await store.listSessions({ limit: 10, words: ['needle'] })
  expect([searched.total, searched.totalCapped, searched.sessions.length]).toEqual([SEARCH_TOTAL_CAP, true, 10])
  expect(searched.sessions.map((s) => [s.match?.seq, s.match?.snippet])).toEqual(Array.from({ length: 10 }, () => [1, 'a needle here']))
  const few = await store.listSessions({ limit: 10, words: ['straw'] })
  expect([few.total, few.totalCapped]).toEqual([1, undefined])
  // Without q the count stops at LIST_TOTAL_CAP; the pages still reach every session.
  const plain = await store.listSessions({ limit: 10 })
  expect([plain.total, plain.totalCapped, plain.sessions.length]).toEqual([LIST_TOTAL_CAP, true, 10])
  const last = await store.listSessions({ limit: 10, order: 'asc', sort: 'calls', userId: 'v' })
  expect([last.total, last.totalCapped]).toEqual([Math.ceil((LIST_TOTAL_CAP + 2) / 10), undefined])
}

describe('a list counts its sessions up to LIST_TOTAL_CAP, a search up to SEARCH_TOTAL_CAP', () => {
  it('memory', async () => {
    const store = createMemoryStore()
    for (const list of sessions()) await store.putBatch({ sessionId: list[0]!.sessionId, key: 'k', firstSeq: 0, lastSeq: 1, events: list })
    await expectCapped(store)
  })

  it.skipIf(!process.env.DATABASE_URL)('PostgreSQL', async () => {
    const schema = await openPostgresSchema(process.env.DATABASE_URL!)
    try {
      await bulkLoadPostgres(schema.pool, sessions())
      // Both ways of searching: gathering the matches from the text index, and walking the sessions.
      await expectCapped(createPostgresStore({ pool: schema.pool }))
      await expectCapped(createPostgresStore({ pool: schema.pool, searchGatherSessions: 0 }))
    } finally {
      await schema.dispose()
    }
  }, 60_000)
})

import { describe, expect, it } from 'vitest'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { event } from '../testing/events.js'
import { bulkLoadPostgres } from './bulkLoadPostgres.js'
import { createMemoryStore } from './createMemoryStore.js'
import { createPostgresStore } from './createPostgresStore.js'
import { SEARCH_TOTAL_CAP, type SessionStore, type WireEvent } from './SessionStore.js'

/** 1,001 sessions that all hold the word "needle", and one more that does not. */
function sessions(): WireEvent[][] {
  return Array.from({ length: SEARCH_TOTAL_CAP + 2 }, (_, i) => {
    const id = `s_${i}`
    return [event(id, 0, 'session.started', { userId: 'u' }), event(id, 1, 'message.created', { messageId: 'm', role: 'user', content: i ? 'a needle here' : 'hay' })]
  })
}

async function expectCapped(store: SessionStore): Promise<void> {
  const searched = await store.listSessions({ limit: 10, words: ['needle'] })
  expect([searched.total, searched.totalCapped, searched.sessions.length]).toEqual([SEARCH_TOTAL_CAP, true, 10])
  expect(searched.sessions.map((s) => [s.match?.seq, s.match?.snippet])).toEqual(Array.from({ length: 10 }, () => [1, 'a needle here']))
  const plain = await store.listSessions({ limit: 10 })
  expect([plain.total, plain.totalCapped]).toEqual([SEARCH_TOTAL_CAP + 2, undefined])
  const few = await store.listSessions({ limit: 10, words: ['hay'] })
  expect([few.total, few.totalCapped]).toEqual([1, undefined])
}

describe('a search counts its matches up to SEARCH_TOTAL_CAP', () => {
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
  })
})

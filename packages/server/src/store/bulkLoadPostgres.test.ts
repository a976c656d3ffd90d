import { describe, expect, it } from 'vitest'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { STUDIO_SESSIONS } from '../testing/studioSessions.js'
import { bulkLoadPostgres } from './bulkLoadPostgres.js'
import { createPostgresStore } from './createPostgresStore.js'

const databaseUrl = process.env.DATABASE_URL

/** Every row of the tables a session fills, as text, in a stable order. */
const TABLES = {
  tapedeck_sessions: 'select * from tapedeck_sessions order by session_id',
  tapedeck_batches: 'select session_id, first_seq, last_seq, received_at from tapedeck_batches order by session_id',
  tapedeck_events: 'select * from tapedeck_events order by session_id, seq',
  tapedeck_calls: 'select * from tapedeck_calls order by session_id, call_id',
  tapedeck_texts: 'select session_id, seq, ord, t, field, body, tsv::text from tapedeck_texts order by session_id, seq, ord',
  tapedeck_session_words: 'select session_id, words::text from tapedeck_session_words order by session_id',
}

describe.skipIf(!databaseUrl)('bulkLoadPostgres (PostgreSQL, DATABASE_URL)', () => {
  it('writes exactly the rows ingest writes', async () => {
    const ingested = await openPostgresSchema(databaseUrl!)
    const bulk = await openPostgresSchema(databaseUrl!)
    try {
      const store = createPostgresStore({ pool: ingested.pool })
      for (const events of Object.values(STUDIO_SESSIONS)) {
        await store.putBatch({ sessionId: events[0]!.sessionId, key: 'bulk', firstSeq: 0, lastSeq: events.at(-1)!.seq, events }, 1_800_000_000_000)
      }
      await bulkLoadPostgres(bulk.pool, Object.values(STUDIO_SESSIONS), 1_800_000_000_000)
      for (const [table, sql] of Object.entries(TABLES)) {
        const [a, b] = await Promise.all([ingested.pool.query(sql), bulk.pool.query(sql)])
        expect([table, b.rows]).toEqual([table, a.rows])
        expect(a.rows.length).toBeGreaterThan(0)
      }
    } finally {
      await ingested.dispose()
      await bulk.dispose()
    }
  })
})

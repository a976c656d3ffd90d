import { describe, expect, it } from 'vitest'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { STUDIO_SESSIONS } from '../testing/studioContract.js'
import { createPostgresStore } from './createPostgresStore.js'

const databaseUrl = process.env.DATABASE_URL

/** What the backfills fill, as text, in a stable order. */
const FILLED = {
  calls: 'select session_id, call_id, started_at from tapedeck_calls order by session_id, call_id',
  words: 'select session_id, words::text from tapedeck_session_words order by session_id',
}

describe.skipIf(!databaseUrl)('PostgreSQL backfill of a database written by an earlier version (DATABASE_URL)', () => {
  it('fills the calls’ session start and the sessions’ words exactly as ingest writes them, once', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    try {
      const store = createPostgresStore({ pool: schema.pool })
      for (const events of Object.values(STUDIO_SESSIONS)) {
        await store.putBatch({ sessionId: events[0]!.sessionId, key: 'k', firstSeq: 0, lastSeq: events.at(-1)!.seq, events })
      }
      const ingested = await Promise.all(Object.values(FILLED).map((sql) => schema.pool.query(sql)))
      // The database as the version before them left it: no call starts, no words, no steps recorded.
      await schema.pool.query('update tapedeck_calls set started_at = null; delete from tapedeck_session_words; delete from tapedeck_schema_steps')
      const upgraded = createPostgresStore({ pool: schema.pool })
      expect((await upgraded.listSessions({ limit: 10, words: ['lisbon'] })).sessions.map((s) => s.id)).toEqual(['s_gamma', 's_beta'])
      const filled = await Promise.all(Object.values(FILLED).map((sql) => schema.pool.query(sql)))
      expect(filled.map((result) => result.rows)).toEqual(ingested.map((result) => result.rows))
      expect(ingested.map((result) => result.rows.length)).toEqual([4, 3])
      const steps = await schema.pool.query('select name from tapedeck_schema_steps order by name')
      expect(steps.rows.map((row) => row.name)).toEqual(['calls_started_at', 'session_words'])
    } finally {
      await schema.dispose()
    }
  })
})

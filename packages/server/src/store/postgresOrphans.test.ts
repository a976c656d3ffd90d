import { describe, expect, it } from 'vitest'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { STUDIO_SESSIONS } from '../testing/studioSessions.js'
import { createPostgresStore } from './createPostgresStore.js'

const databaseUrl = process.env.DATABASE_URL

const REVIEW_ROWS = `select 'annotation' as kind, session_id, annotation_id as id from tapedeck_annotations
  union all select 'share', session_id, share_id from tapedeck_shares order by kind, session_id, id`

describe.skipIf(!databaseUrl)('PostgreSQL annotations and share links left by an erasure race (DATABASE_URL)', () => {
  it('are deleted once when a store opens a database that has them: rows whose session no longer exists, and no others', async () => {
    const schema = await openPostgresSchema(databaseUrl!)
    try {
      const store = createPostgresStore({ pool: schema.pool })
      const events = STUDIO_SESSIONS.alpha
      await store.putBatch({ sessionId: 's_alpha', key: 'k', firstSeq: 0, lastSeq: events.at(-1)!.seq, events })
      const annotation = { id: 'a_kept', sessionId: 's_alpha', kind: 'comment' as const, text: 'kept', score: null, range: null, author: 'Ada', createdAt: 1, updatedAt: 1 }
      expect(await store.addAnnotation(annotation, 100)).toBe('added')
      expect(await store.addShare({ id: 'sh_kept', sessionId: 's_alpha', tokenHash: 'h1', createdAt: 1, expiresAt: 2e12 }, 10, 1)).toBe('added')
      // What an add that raced an erasure left before adds took the session's lock: rows of a session that is gone.
      await schema.pool.query(
        `insert into tapedeck_annotations (session_id, annotation_id, kind, text, created_at, annotation) values
           ('s_erased', 'a_orphan', 'comment', 'orphan', 1, '{}'), ('s_erased', 'a_orphan2', 'flag', '', 2, '{}');
         insert into tapedeck_shares (session_id, share_id, token_hash, created_at, expires_at) values ('s_erased', 'sh_orphan', 'h2', 1, 2e12)`,
      )
      // A database from before the clean-up: its step not yet recorded.
      await schema.pool.query(`delete from tapedeck_schema_steps where name like 'orphan%'`)
      const reopened = createPostgresStore({ pool: schema.pool })
      await reopened.listSessions({ limit: 1 })
      const rows = await schema.pool.query(REVIEW_ROWS)
      expect(rows.rows).toEqual([
        { kind: 'annotation', session_id: 's_alpha', id: 'a_kept' },
        { kind: 'share', session_id: 's_alpha', id: 'sh_kept' },
      ])
      // Once: recorded, so a later start does not look again.
      const steps = await schema.pool.query(`select name from tapedeck_schema_steps where name like 'orphan%'`)
      expect(steps.rowCount).toBe(1)
    } finally {
      await schema.dispose()
    }
  })
})

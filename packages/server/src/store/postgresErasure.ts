import type { Pool, PoolClient } from 'pg'
import { assertId } from '../ids.js'
import { eraseReport } from './eraseReport.js'
import { lockSessions } from './postgresSessionLocks.js'
import { postgresText } from './postgresText.js'
import { postgresTransaction } from './postgresTransaction.js'
import { STUDIO_TABLES } from './postgresStudioSchema.js'
import type { EraseResult, SessionStore } from './SessionStore.js'

/** The time of each session's last write, events or blobs. */
const LAST_WRITES = `
  select session_id, max(at) as at from (
    select session_id, max(received_at) as at from tapedeck_batches group by session_id
    union all
    select session_id, max(received_at) as at from tapedeck_blobs group by session_id
  ) as writes group by session_id`

/**
 * The PostgreSQL store's erasure (of a session, a user's sessions, inactive sessions) and legal
 * holds (tapedeck_holds), serialised per session by advisory locks taken in id order
 * (postgresSessionLocks; a batch takes its session's too).
 */
export function postgresErasure(
  ready: () => Promise<Pool>,
): Pick<SessionStore, 'deleteSession' | 'deleteUser' | 'getHold' | 'setHold' | 'purgeInactive'> {
  return {
    async deleteSession(sessionId) {
      return postgresTransaction(await ready(), async (client) => {
        await lockSessions(client, [sessionId])
        return (await eraseLocked(client, [sessionId]))[sessionId]!
      })
    },

    async deleteUser(userId) {
      return postgresTransaction(await ready(), async (client) => {
        // The advisory locks come before any row lock, as in deleteSession, so the two cannot deadlock.
        const { rows } = await client.query<{ session_id: string }>('select session_id from tapedeck_sessions where user_id = $1', [userId])
        const ids = rows.map((row) => row.session_id)
        await lockSessions(client, ids)
        return eraseReport(Object.entries(await eraseLocked(client, ids)))
      })
    },

    async getHold(sessionId) {
      const { rows } = await (await ready()).query<{ reason: string; since: string }>(
        'select reason, since from tapedeck_holds where session_id = $1',
        [sessionId],
      )
      return rows[0] ? { reason: rows[0].reason, since: Number(rows[0].since) } : null
    },

    async setHold(sessionId, hold) {
      assertId(sessionId, 'sessionId')
      return postgresTransaction(await ready(), async (client) => {
        await lockSessions(client, [sessionId])
        const found = await client.query(
          `select 1 from tapedeck_sessions where session_id = $1 union all select 1 from tapedeck_blobs where session_id = $1 limit 1`,
          [sessionId],
        )
        if (found.rowCount === 0) return false
        if (hold) {
          await client.query(
            `insert into tapedeck_holds (session_id, reason, since) values ($1, $2, $3)
             on conflict (session_id) do update set reason = excluded.reason, since = excluded.since`,
            [sessionId, postgresText(hold.reason), hold.since],
          )
        } else {
          await client.query('delete from tapedeck_holds where session_id = $1', [sessionId])
        }
        return true
      })
    },

    async purgeInactive(before) {
      const pool = await ready()
      const inactive = `select session_id from (${LAST_WRITES}) as last where at < to_timestamp($1::double precision / 1000)`
      const { rows } = await pool.query<{ session_id: string }>(`${inactive} order by session_id`, [before])
      const results: Array<[string, EraseResult]> = []
      // One short transaction per session: a large purge never holds many locks, and a write
      // that arrived since the first look keeps its session.
      for (const { session_id: id } of rows) {
        const result = await postgresTransaction(pool, async (client) => {
          await lockSessions(client, [id])
          const still = await client.query(`${inactive} and session_id = $2`, [before, id])
          return still.rowCount === 0 ? 'not_found' : (await eraseLocked(client, [id]))[id]!
        })
        results.push([id, result])
      }
      return eraseReport(results)
    },
  }
}

/** Erases sessions that are not held; holds must be read under the sessions' locks. */
async function eraseLocked(client: PoolClient, ids: string[]): Promise<Record<string, EraseResult>> {
  const held = new Set(
    (await client.query<{ session_id: string }>('select session_id from tapedeck_holds where session_id = any($1)', [ids])).rows.map(
      (row) => row.session_id,
    ),
  )
  const free = ids.filter((id) => !held.has(id))
  const erased = new Set<string>()
  for (const table of ['tapedeck_events', 'tapedeck_blobs', 'tapedeck_batches', ...STUDIO_TABLES, 'tapedeck_sessions']) {
    const { rows } = await client.query<{ session_id: string }>(`delete from ${table} where session_id = any($1) returning session_id`, [free])
    for (const row of rows) erased.add(row.session_id)
  }
  await client.query('delete from tapedeck_stream_links where stream_id = any($1)', [free])
  return Object.fromEntries(ids.map((id) => [id, held.has(id) ? 'held' : erased.has(id) ? 'erased' : 'not_found']))
}

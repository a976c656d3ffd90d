import type { Pool } from 'pg'
import { assertId } from '../ids.js'
import { describeSessionRow, type SessionRow } from './describeSessionRow.js'
import { loadPg } from './loadPg.js'
import { migratePostgres } from './migratePostgres.js'
import { postgresCheckStats } from './postgresCheckStats.js'
import { postgresErasure } from './postgresErasure.js'
import { postgresIngest } from './postgresIngest.js'
import { postgresListSessions } from './postgresListSessions.js'
import { postgresReviews } from './postgresReviews.js'
import { postgresStats } from './postgresStats.js'
import { postgresTransaction } from './postgresTransaction.js'
import type { SessionStore, WireEvent } from './SessionStore.js'

export type PostgresStoreOptions = (
  | { connectionString: string; /** Connections in the pool, default 10. */ max?: number }
  /** A pool you own: the store neither ends it nor changes it. */
  | { pool: Pool }
) & {
  /**
   * Up to this many matching sessions (counted first, up to the search's cap of 1,000), a search
   * gathers its sessions from the words' index and then sorts them; above, it walks the sessions
   * in order. Default 2,000 (every search under the cap gathers); 0 always walks.
   */
  searchGatherSessions?: number
}

/** Events read per query. */
const READ_PAGE = 1000

/**
 * A store in PostgreSQL (the `pg` driver), for several server processes or managed backups.
 * The tables are created on first use (migratePostgres); writes are postgresIngest, the session
 * list postgresListSessions, statistics postgresStats, review work postgresReviews, erasure and
 * holds postgresErasure.
 */
export function createPostgresStore(options: PostgresStoreOptions): SessionStore {
  let pool: Promise<Pool> | undefined
  let migrated: Promise<void> | undefined

  async function ownPool(): Promise<Pool> {
    if ('pool' in options) return options.pool
    const pg = await loadPg()
    const created = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 })
    // An idle connection that drops emits 'error'; unhandled it would end the process. The next query reconnects.
    created.on('error', () => undefined)
    return created
  }

  async function ready(): Promise<Pool> {
    const current = await (pool ??= ownPool())
    migrated ??= postgresTransaction(current, migratePostgres).catch((error: unknown) => {
      migrated = undefined
      throw error
    })
    await migrated
    return current
  }

  /** A session's stored event text in seq order from `fromSeq`, at most `limit` events, read in pages of READ_PAGE. */
  async function* eventLines(sessionId: string, fromSeq: number, limit: number): AsyncGenerator<string> {
    const client = await ready()
    for (let from = fromSeq, left = limit; left > 0; ) {
      const page = Math.min(READ_PAGE, left)
      const { rows } = await client.query<{ seq: string; event: string }>(
        'select seq, event from tapedeck_events where session_id = $1 and seq >= $2 order by seq limit $3',
        [sessionId, from, page],
      )
      for (const row of rows) yield row.event
      if (rows.length < page) return
      left -= rows.length
      from = Number(rows.at(-1)!.seq) + 1
    }
  }

  return {
    ...postgresIngest(ready),

    async getBlob(sessionId, blobId, part) {
      const { rows } = await (await ready()).query<{ content_type: string; bytes: Buffer }>(
        'select content_type, bytes from tapedeck_blobs where session_id = $1 and blob_id = $2 and part = $3',
        [sessionId, blobId, part],
      )
      const row = rows[0]
      return row ? { sessionId, blobId, part, contentType: row.content_type, bytes: new Uint8Array(row.bytes) } : null
    },

    async listBlobs(sessionId) {
      const { rows } = await (await ready()).query<{ blob_id: string; part: string; content_type: string; size: number }>(
        `select blob_id, part, content_type, octet_length(bytes) as size from tapedeck_blobs
         where session_id = $1 order by blob_id, part`,
        [sessionId],
      )
      return rows.map((row) => ({ blobId: row.blob_id, part: row.part, contentType: row.content_type, size: row.size }))
    },

    listSessions: async (filter) => postgresListSessions(await ready(), filter, options.searchGatherSessions),

    async sessionStats(query) {
      return postgresStats(await ready(), query)
    },

    async checkStats(query) {
      return postgresCheckStats(await ready(), query)
    },

    ...postgresReviews(ready),

    async getSession(sessionId) {
      const { rows } = await (await ready()).query<SessionRow>(
        `select s.summary, h.reason as hold_reason, h.since as hold_since
         from tapedeck_sessions s left join tapedeck_holds h on h.session_id = s.session_id where s.session_id = $1`,
        [sessionId],
      )
      return rows[0] ? describeSessionRow(rows[0]) : null
    },

    async *readEvents(sessionId, { fromSeq = 0 } = {}) {
      for await (const line of eventLines(sessionId, fromSeq, Number.POSITIVE_INFINITY)) yield JSON.parse(line) as WireEvent
    },

    readEventLines: (sessionId, { fromSeq = 0, limit = Number.POSITIVE_INFINITY } = {}) => eventLines(sessionId, fromSeq, limit),

    async linkStream(streamId, parentId) {
      assertId(streamId, 'sessionId')
      const db = await ready()
      await db.query('insert into tapedeck_stream_links (stream_id, parent_id) values ($1, $2) on conflict do nothing', [streamId, parentId])
      const { rows } = await db.query<{ parent_id: string }>('select parent_id from tapedeck_stream_links where stream_id = $1', [streamId])
      return rows[0]?.parent_id === parentId ? 'linked' : 'conflict'
    },

    async linkedStreams(parentId) {
      const { rows } = await (await ready()).query<{ stream_id: string }>(
        'select stream_id from tapedeck_stream_links where parent_id = $1 order by stream_id',
        [parentId],
      )
      return rows.map((row) => row.stream_id)
    },

    ...postgresErasure(ready),

    async close() {
      if (!('pool' in options) && pool) await (await pool).end()
    },
  }
}

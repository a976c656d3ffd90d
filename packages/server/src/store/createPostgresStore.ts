import type { Pool, PoolClient } from 'pg'
import { assertId } from '../ids.js'
import type { SessionDetail } from '@tapedeck/core'
import { describeSession, sessionStatus } from '../summary/describeSession.js'
import { toRanges } from '../summary/seqRanges.js'
import { emptySummary, foldEvents, sortKey, type SessionSummary } from '../summary/sessionSummary.js'
import { eventSlices } from './eventSlices.js'
import { loadPg } from './loadPg.js'
import { snippetOf } from '../search/snippetOf.js'
import { oneTextSql, sessionConditionsSql } from './postgresConditions.js'
import { insertIngestRows, sessionColumns, SESSION_OF_CALLS, UPDATE_SESSION_COLUMNS } from './postgresIngestRows.js'
import { postgresCheckStats, VERDICT_FUNCTION } from './postgresCheckStats.js'
import { postgresStats } from './postgresStats.js'
import { STUDIO_BACKFILLS, STUDIO_INDEXES, STUDIO_MIGRATION, STUDIO_TABLES } from './postgresStudioSchema.js'
import { STREAM_LINKS_MIGRATION } from './postgresStreamLinks.js'
import { CALL_DAYS_BACKFILL, CALL_DAYS_MIGRATION, rebuildCallDays } from './postgresCallDays.js'
import type { ReviewAnnotation, SearchMatchField, SessionListItem, SessionSortField } from '@tapedeck/core'
import { totalCapOf, type EraseReport, type EraseResult, type SessionFilter, type SessionStore, type ShareRecord, type WireEvent } from './SessionStore.js'

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

const READ_PAGE = 1000
/** The first key of the two-key advisory locks that serialise erasure and holds per session ('td'). */
const SESSION_LOCKS = 0x7464

/**
 * Tables (created on first use, under an advisory lock so several servers can start at once):
 * tapedeck_sessions (one row per session: filter columns and the summary), tapedeck_batches
 * (idempotency keys), tapedeck_events (unique session_id, seq), tapedeck_blobs and
 * tapedeck_holds. A session's last write, for retention, is the newest `received_at` of its
 * batches and blobs. Events are
 * kept as text, exactly as JSON.stringify wrote them: jsonb refuses strings a browser can
 * record (\u0000, lone surrogates), and a refused batch would be retried forever. Query them
 * with `event::json`.
 */
const MIGRATION = `
create table if not exists tapedeck_sessions (
  session_id text collate "C" primary key,
  user_id text,
  feature text,
  status text not null,
  sort_at bigint not null,
  summary text not null
);
create index if not exists tapedeck_sessions_by_start on tapedeck_sessions (sort_at desc, session_id desc);
create index if not exists tapedeck_sessions_by_user on tapedeck_sessions (user_id);
create table if not exists tapedeck_batches (
  session_id text collate "C" not null,
  idempotency_key text not null,
  first_seq bigint not null,
  last_seq bigint not null,
  received_at timestamptz not null default now(),
  primary key (session_id, idempotency_key)
);
create table if not exists tapedeck_events (
  session_id text collate "C" not null,
  seq bigint not null,
  event text not null,
  primary key (session_id, seq)
);
create table if not exists tapedeck_blobs (
  session_id text collate "C" not null,
  blob_id text not null,
  part text not null,
  content_type text not null,
  bytes bytea not null,
  primary key (session_id, blob_id, part)
);
alter table tapedeck_blobs add column if not exists received_at timestamptz not null default now();
create table if not exists tapedeck_holds (
  session_id text collate "C" primary key,
  reason text not null,
  since bigint not null
);`

/** The time of each session's last write, events or blobs. */
const LAST_WRITES = `
  select session_id, max(at) as at from (
    select session_id, max(received_at) as at from tapedeck_batches group by session_id
    union all
    select session_id, max(received_at) as at from tapedeck_blobs group by session_id
  ) as writes group by session_id`

/** A store in PostgreSQL (the `pg` driver), for several server processes or managed backups. */
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
    migrated ??= transaction(current, async (client) => {
      await client.query("select pg_advisory_xact_lock(hashtext('tapedeck_migration'))")
      await client.query(MIGRATION)
      await client.query(STUDIO_MIGRATION)
      await client.query(CALL_DAYS_MIGRATION)
      await client.query(STREAM_LINKS_MIGRATION)
      await client.query(VERDICT_FUNCTION)
      for (const step of STUDIO_BACKFILLS) {
        const claimed = await client.query('insert into tapedeck_schema_steps (name) values ($1) on conflict do nothing', [step.name])
        if (claimed.rowCount === 1) await client.query(step.sql)
      }
      await client.query(STUDIO_INDEXES)
      // Calls stored before the daily roll-ups: their days are built now, not by the first statistics request.
      const claimed = await client.query("insert into tapedeck_schema_steps (name) values ('call_days') on conflict do nothing")
      if (claimed.rowCount === 1) {
        await client.query(CALL_DAYS_BACKFILL)
        await rebuildCallDays(client)
      }
    }).catch((error: unknown) => {
      migrated = undefined
      throw error
    })
    await migrated
    return current
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

  /** Takes the sessions' locks until the transaction ends, in id order so two erasers never deadlock. */
  async function lockSessions(client: PoolClient, ids: string[]): Promise<void> {
    for (const id of [...ids].sort()) await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [SESSION_LOCKS, id])
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

  function report(results: Record<string, EraseResult>): EraseReport {
    const out: EraseReport = { erased: [], held: [] }
    for (const [id, result] of Object.entries(results)) if (result !== 'not_found') out[result].push(id)
    return out
  }

  return {
    async putBatch({ sessionId, key, firstSeq, lastSeq, events }, receivedAt = Date.now()) {
      assertId(sessionId, 'sessionId')
      return transaction(await ready(), async (client) => {
        const claimed = await client.query(
          `insert into tapedeck_batches (session_id, idempotency_key, first_seq, last_seq, received_at)
           values ($1, $2, $3, $4, to_timestamp($5::double precision / 1000)) on conflict do nothing`,
          [sessionId, key, firstSeq, lastSeq, receivedAt],
        )
        if (claimed.rowCount === 0) return { status: 'duplicate', stored: 0, skipped: [] }
        await client.query(
          `insert into tapedeck_sessions (session_id, status, sort_at, summary) values ($1, 'active', 0, $2)
           on conflict do nothing`,
          [sessionId, JSON.stringify(emptySummary(sessionId))],
        )
        // The row lock serialises writers of one session until commit.
        const row = await client.query<{ summary: string }>(
          'select summary from tapedeck_sessions where session_id = $1 for update',
          [sessionId],
        )
        let summary = JSON.parse(row.rows[0]!.summary) as SessionSummary
        const startedBefore = sortKey(summary)
        const userBefore = textField(summary, 'userId')
        const skipped: number[] = []
        let stored = 0
        // Slice by slice, as they are decoded; a refusal late in the body rolls the whole batch back.
        for await (const slice of eventSlices(events)) {
          const inserted = await client.query<{ seq: string }>(
            `insert into tapedeck_events (session_id, seq, event)
             select $1, seq, event from unnest($2::bigint[], $3::text[]) as batch(seq, event)
             on conflict do nothing returning seq`,
            [sessionId, slice.map((event) => event.seq), slice.map((event) => JSON.stringify(event))],
          )
          const written = new Set(inserted.rows.map((r) => Number(r.seq)))
          const fresh = slice.filter((event) => written.has(event.seq))
          for (const event of slice) if (!written.has(event.seq)) skipped.push(event.seq)
          summary = foldEvents(summary, fresh)
          stored += fresh.length
          await insertIngestRows(client, sessionId, fresh, sortKey(summary), textField(summary, 'userId'))
        }
        await client.query(
          `update tapedeck_sessions set user_id = $2, feature = $3, status = $4, sort_at = $5, summary = $6
           where session_id = $1`,
          [sessionId, textField(summary, 'userId'), textField(summary, 'feature'), sessionStatus(summary), sortKey(summary), JSON.stringify(summary)],
        )
        await client.query(UPDATE_SESSION_COLUMNS, [sessionId, ...sessionColumns(summary)])
        if (sortKey(summary) !== startedBefore || textField(summary, 'userId') !== userBefore) {
          await client.query(SESSION_OF_CALLS, [sessionId, sortKey(summary), textField(summary, 'userId')])
        }
        return { status: 'stored', stored, skipped: toRanges(skipped) }
      })
    },

    async putBlob({ sessionId, blobId, part, contentType, bytes }, receivedAt = Date.now()) {
      const result = await (await ready()).query(
        `insert into tapedeck_blobs (session_id, blob_id, part, content_type, bytes, received_at)
         values ($1, $2, $3, $4, $5, to_timestamp($6::double precision / 1000)) on conflict do nothing`,
        [assertId(sessionId, 'sessionId'), assertId(blobId, 'blobId'), assertId(part, 'part'), contentType, bytes, receivedAt],
      )
      return result.rowCount === 0 ? 'duplicate' : 'stored'
    },

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

    async listSessions(filter) {
      const pool = await ready()
      // Few matching sessions: gather them from the words' index, then filter and sort them.
      // Many: walk the sessions in order, checking each, and stop at the page's end (or the cap).
      const words = filter.words?.join(' ')
      const cap = totalCapOf(filter)
      // With words, the capped count comes first and says which way to read the page: it counts
      // from the words' index (a join the planner starts from the GIN index for a rare word, and
      // stops at the cap for a common one), where the planner's estimate of the matches, which
      // moves with each analyze's sample, once sent a 638-session word walking 100,000 sessions.
      const counted = words !== undefined ? Number((await pool.query<{ total: string }>(wordCount(filter, words, cap))).rows[0]!.total) : undefined
      const gather = counted !== undefined && counted <= Math.min(cap, options.searchGatherSessions ?? GATHER_SESSIONS)
      const statement = (kind: 'count' | 'page') => {
        const params: unknown[] = []
        // Pushed when first used: a parameter no statement uses has no type PostgreSQL can tell.
        let tsquery: string | undefined
        const query = () => (tsquery ??= `plainto_tsquery('simple', $${params.push(words)})`)
        // Gathered once (a materialized CTE): left to the planner, a page's limit tempts it to walk
        // the sessions in order and check each, which for a rare word reads most of them.
        const gathered = gather ? `with hits as materialized (select d.session_id from tapedeck_session_words d where d.words @@ ${query()}) ` : ''
        const hits = gather ? 'join hits on hits.session_id = s.session_id' : ''
        const oneText = gather ? oneTextSql(filter.words!, query()) : null
        const where = `${sessionConditionsSql(gather ? { ...filter, words: undefined } : filter, params)}${oneText ? ` and ${oneText}` : ''}`
        if (kind === 'count') {
          // Counting stops past the cap (totalCapOf): a common word's, or a broad filter's, every match would be visited.
          const sql = `${gathered}select count(*) as total from (select 1 from tapedeck_sessions s ${hits} where ${where} limit ${totalCapOf(filter) + 1}) as capped`
          return { sql, params }
        }
        const sort = SORT_COLUMNS[filter.sort ?? 'startedAt']
        const desc = filter.order !== 'asc'
        const after = filter.after
          ? ` and (${sort.column}, s.session_id) ${desc ? '<' : '>'} ($${params.push(filter.after.sortKey)}::${sort.type}, $${params.push(filter.after.id)}::text)`
          : ''
        const order = (table: string, column: string) => `${column} ${desc ? 'desc' : 'asc'}, ${table}.session_id ${desc ? 'desc' : 'asc'}`
        const page = `select s.session_id, s.summary, h.reason as hold_reason, h.since as hold_since, ${sort.column} as sort_value
           from tapedeck_sessions s ${hits} left join tapedeck_holds h on h.session_id = s.session_id
           where ${where}${after}
           order by ${order('s', sort.column)} limit $${params.push(filter.limit + 1)}`
        // The snippet's text, for the page's sessions only (after the limit), each read by its
        // session's key: with the text index in the plan, each lookup walked every text holding
        // the words (a two-word search: 1,153 lookups of 6.7 ms before the page was cut).
        const sql = words
          ? `${gathered}select p.*, m.seq as match_seq, m.t as match_t, m.field as match_field, m.body as match_body from (${page}) as p
             left join lateral (select x.seq, x.t, x.field, x.body from tapedeck_texts x
               where x.session_id = p.session_id and coalesce(x.tsv, ''::tsvector) @@ ${query()} order by x.seq, x.ord limit 1) m on true
             order by ${order('p', 'p.sort_value')}`
          : `${gathered}${page}`
        return { sql, params }
      }
      const count = statement('count')
      const listed = statement('page')
      const [total, { rows }] = await Promise.all([
        counted ?? pool.query<{ total: string }>(count.sql, count.params).then((result) => Number(result.rows[0]!.total)),
        pool.query<ListRow>(listed.sql, listed.params),
      ])
      const page = rows.slice(0, filter.limit)
      const last = page.at(-1)
      const sessions: SessionListItem[] = page.map((row) => {
        const detail: SessionListItem = describeRow(row)
        if (filter.words && row.match_body !== undefined && row.match_body !== null) {
          detail.match = {
            seq: Number(row.match_seq),
            t: row.match_t ?? null,
            field: row.match_field as SearchMatchField,
            ...snippetOf(row.match_body, filter.words),
          }
        }
        return detail
      })
      return {
        sessions,
        next: last && rows.length > filter.limit ? { sortKey: Number(last.sort_value), id: (JSON.parse(last.summary) as SessionSummary).id } : null,
        ...capTotal(total, totalCapOf(filter)),
      }
    },

    async sessionStats(query) {
      return postgresStats(await ready(), query)
    },

    async checkStats(query) {
      return postgresCheckStats(await ready(), query)
    },

    async listAnnotations(sessionId) {
      const pool = await ready()
      const [session, { rows }] = await Promise.all([
        pool.query('select 1 from tapedeck_sessions where session_id = $1', [sessionId]),
        pool.query<{ annotation: string }>(
          'select annotation from tapedeck_annotations where session_id = $1 order by added',
          [sessionId],
        ),
      ])
      return session.rowCount === 0 ? null : rows.map((row) => JSON.parse(row.annotation) as ReviewAnnotation)
    },

    async addAnnotation(annotation, max) {
      return transaction(await ready(), async (client) => {
        // The session's row lock orders adds (and ingest) of one session, so the count holds.
        const session = await client.query('select 1 from tapedeck_sessions where session_id = $1 for update', [annotation.sessionId])
        if (session.rowCount === 0) return 'session_not_found'
        const { rows } = await client.query<{ n: string }>('select count(*) as n from tapedeck_annotations where session_id = $1', [annotation.sessionId])
        if (Number(rows[0]!.n) >= max) return 'too_many'
        await client.query(
          `insert into tapedeck_annotations (session_id, annotation_id, kind, text, created_at, annotation) values ($1, $2, $3, $4, $5, $6)`,
          [annotation.sessionId, annotation.id, annotation.kind, nul(annotation.text), annotation.createdAt, JSON.stringify(annotation)],
        )
        return 'added'
      })
    },

    async updateAnnotation(sessionId, annotationId, patch) {
      return transaction(await ready(), async (client) => {
        const { rows } = await client.query<{ annotation: string }>(
          'select annotation from tapedeck_annotations where session_id = $1 and annotation_id = $2 for update',
          [sessionId, annotationId],
        )
        if (!rows[0]) return null
        const changed: ReviewAnnotation = { ...(JSON.parse(rows[0].annotation) as ReviewAnnotation), ...patch }
        await client.query('update tapedeck_annotations set text = $3, annotation = $4 where session_id = $1 and annotation_id = $2', [
          sessionId,
          annotationId,
          nul(changed.text),
          JSON.stringify(changed),
        ])
        return changed
      })
    },

    async deleteAnnotation(sessionId, annotationId) {
      const result = await (await ready()).query('delete from tapedeck_annotations where session_id = $1 and annotation_id = $2', [sessionId, annotationId])
      return result.rowCount === 1
    },

    async addShare(share, max, now) {
      return transaction(await ready(), async (client) => {
        const session = await client.query('select 1 from tapedeck_sessions where session_id = $1 for update', [share.sessionId])
        if (session.rowCount === 0) return 'session_not_found'
        const { rows } = await client.query<{ n: string }>('select count(*) as n from tapedeck_shares where session_id = $1 and expires_at > $2', [
          share.sessionId,
          now,
        ])
        if (Number(rows[0]!.n) >= max) return 'too_many'
        await client.query('insert into tapedeck_shares (session_id, share_id, token_hash, created_at, expires_at) values ($1, $2, $3, $4, $5)', [
          share.sessionId,
          share.id,
          share.tokenHash,
          share.createdAt,
          share.expiresAt,
        ])
        return 'added'
      })
    },

    async getShare(sessionId, shareId) {
      const { rows } = await (await ready()).query<ShareRow>('select * from tapedeck_shares where session_id = $1 and share_id = $2', [sessionId, shareId])
      return rows[0] ? shareOf(rows[0]) : null
    },

    async listShares(sessionId) {
      const { rows } = await (await ready()).query<ShareRow>('select * from tapedeck_shares where session_id = $1 order by added', [sessionId])
      return rows.map(shareOf)
    },

    async deleteShare(sessionId, shareId) {
      const result = await (await ready()).query('delete from tapedeck_shares where session_id = $1 and share_id = $2', [sessionId, shareId])
      return result.rowCount === 1
    },

    async getSession(sessionId) {
      const { rows } = await (await ready()).query<SessionRow>(
        `select s.summary, h.reason as hold_reason, h.since as hold_since
         from tapedeck_sessions s left join tapedeck_holds h on h.session_id = s.session_id where s.session_id = $1`,
        [sessionId],
      )
      return rows[0] ? describeRow(rows[0]) : null
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

    async deleteSession(sessionId) {
      return transaction(await ready(), async (client) => {
        await lockSessions(client, [sessionId])
        return (await eraseLocked(client, [sessionId]))[sessionId]!
      })
    },

    async deleteUser(userId) {
      return transaction(await ready(), async (client) => {
        // The advisory locks come before any row lock, as in deleteSession, so the two cannot deadlock.
        const { rows } = await client.query<{ session_id: string }>('select session_id from tapedeck_sessions where user_id = $1', [userId])
        const ids = rows.map((row) => row.session_id)
        await lockSessions(client, ids)
        return report(await eraseLocked(client, ids))
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
      return transaction(await ready(), async (client) => {
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
            [sessionId, hold.reason.replaceAll('\0', ''), hold.since],
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
      const results: Record<string, EraseResult> = {}
      // One short transaction per session: a large purge never holds many locks, and a write
      // that arrived since the first look keeps its session.
      for (const { session_id: id } of rows) {
        results[id] = await transaction(pool, async (client) => {
          await lockSessions(client, [id])
          const still = await client.query(`${inactive} and session_id = $2`, [before, id])
          return still.rowCount === 0 ? 'not_found' : (await eraseLocked(client, [id]))[id]!
        })
      }
      return report(results)
    },

    async close() {
      if (!('pool' in options) && pool) await (await pool).end()
    },
  }
}

interface SessionRow {
  summary: string
  hold_reason: string | null
  hold_since: string | null
}

interface ListRow extends SessionRow {
  sort_value: string | number
  match_seq?: string | null
  match_t?: number | null
  match_field?: string | null
  match_body?: string | null
}

interface ShareRow {
  session_id: string
  share_id: string
  token_hash: string
  created_at: string
  expires_at: string
}

/** The column each sort reads, and its type for the cursor's value. */
const SORT_COLUMNS: Record<SessionSortField, { column: string; type: string }> = {
  startedAt: { column: 's.sort_at', type: 'bigint' },
  costUsd: { column: 's.cost_usd', type: 'float8' },
  durationMs: { column: 's.duration_ms', type: 'float8' },
  errors: { column: 's.errors', type: 'integer' },
  calls: { column: 's.calls', type: 'integer' },
}

/** Up to this many matching sessions (counted first), a search gathers them from the words' index. */
const GATHER_SESSIONS = 2_000

/** The count of a search's sessions up to `cap` + 1, from the words' index joined to the sessions. */
function wordCount(filter: SessionFilter, words: string, cap: number): { text: string; values: unknown[] } {
  const values: unknown[] = [words]
  const query = `plainto_tsquery('simple', $1)`
  const oneText = oneTextSql(filter.words!, query)
  const where = `${sessionConditionsSql({ ...filter, words: undefined }, values)}${oneText ? ` and ${oneText}` : ''}`
  return {
    text: `select count(*) as total from (select 1 from tapedeck_session_words d join tapedeck_sessions s on s.session_id = d.session_id
      where d.words @@ ${query} and ${where} limit ${cap + 1}) as capped`,
    values,
  }
}

function capTotal(total: number, cap: number): { total: number; totalCapped?: true } {
  return total > cap ? { total: cap, totalCapped: true } : { total }
}

function shareOf(row: ShareRow): ShareRecord {
  return { id: row.share_id, sessionId: row.session_id, tokenHash: row.token_hash, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) }
}

function nul(value: string): string {
  return value.replaceAll('\0', '')
}

function describeRow(row: SessionRow): SessionDetail {
  const hold = row.hold_reason === null ? null : { reason: row.hold_reason, since: Number(row.hold_since) }
  return describeSession(JSON.parse(row.summary) as SessionSummary, hold)
}

async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('begin')
    const result = await work(client)
    await client.query('commit')
    return result
  } catch (error) {
    await client.query('rollback').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

/** A metadata string for a filter column; PostgreSQL text cannot hold NUL. */
function textField(summary: SessionSummary, name: string): string | null {
  const value = summary.metadata?.[name]
  return typeof value === 'string' ? value.replaceAll('\0', '') : null
}

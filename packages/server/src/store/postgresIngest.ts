import type { Pool } from 'pg'
import { assertId } from '../ids.js'
import { sessionStatus } from '../summary/describeSession.js'
import { toRanges } from '../summary/seqRanges.js'
import { emptySummary, foldEvents, sortKey, type SessionSummary } from '../summary/sessionSummary.js'
import { eventSlices } from './eventSlices.js'
import { insertIngestRows, sessionColumns, SESSION_OF_CALLS, UPDATE_SESSION_COLUMNS } from './postgresIngestRows.js'
import { lockSessions } from './postgresSessionLocks.js'
import { postgresTextOrNull } from './postgresText.js'
import { postgresTransaction } from './postgresTransaction.js'
import type { SessionStore } from './SessionStore.js'

/**
 * The PostgreSQL store's writes: a batch in one transaction (its key, its events, the session's
 * summary and the Studio's rows: postgresIngestRows), a blob part in one insert.
 */
export function postgresIngest(ready: () => Promise<Pool>): Pick<SessionStore, 'putBatch' | 'putBlob'> {
  return {
    async putBatch({ sessionId, key, firstSeq, lastSeq, events }, receivedAt = Date.now()) {
      assertId(sessionId, 'sessionId')
      return postgresTransaction(await ready(), async (client) => {
        // Before any row: an erasure of the session deletes its rows in another order, and would
        // otherwise deadlock with this batch or delete the session's row under it.
        await lockSessions(client, [sessionId])
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
  }
}

/** A metadata string for a filter column. */
function textField(summary: SessionSummary, name: string): string | null {
  return postgresTextOrNull(summary.metadata?.[name])
}

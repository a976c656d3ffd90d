import type { Pool } from 'pg'
import { searchTexts } from '../search/searchTexts.js'
import { callFacts, mergeCall, type CallFacts } from '../stats/callFacts.js'
import { sessionStatus } from '../summary/describeSession.js'
import { emptySummary, foldEvents, sortKey } from '../summary/sessionSummary.js'
import { migratePostgres } from './migratePostgres.js'
import { CALL_COLUMNS, sessionColumns, TEXT_TSV } from './postgresIngestRows.js'
import { SESSION_WORDS } from './postgresStudioSchema.js'
import { postgresTextOrNull as text } from './postgresText.js'
import { postgresTransaction } from './postgresTransaction.js'
import type { WireEvent } from './SessionStore.js'

/**
 * Writes whole sessions (each all its events, seq order) into a PostgreSQL store's tables in
 * a few large statements, with the very rows ingest writes (the same summary, Studio columns,
 * call, text and word rows, from the same functions): to import recordings or seed a benchmark. The
 * sessions must not exist yet; each is stored as one batch under the key `bulk`.
 */
export async function bulkLoadPostgres(pool: Pool, sessions: readonly (readonly WireEvent[])[], receivedAt = Date.now()): Promise<void> {
  // The tables are created (or upgraded) first, as a store does on first use.
  await postgresTransaction(pool, migratePostgres)
  const session: unknown[][] = Array.from({ length: 17 }, () => [])
  const events: unknown[][] = [[], [], []]
  const calls: unknown[][] = Array.from({ length: 15 }, () => [])
  const texts: unknown[][] = Array.from({ length: 7 }, () => [])
  for (const list of sessions) {
    const id = list[0]!.sessionId
    const summary = foldEvents(emptySummary(id), list)
    const metadata = summary.metadata ?? {}
    const row = [id, text(metadata.userId), text(metadata.feature), sessionStatus(summary), sortKey(summary), JSON.stringify(summary), ...sessionColumns(summary)]
    // tags and models travel as JSON arrays: a parameter cannot be an array of arrays of different lengths.
    row.forEach((value, i) => session[i]!.push(i === 8 || i === 9 ? JSON.stringify(value) : value))
    for (const event of list) {
      events[0]!.push(id)
      events[1]!.push(event.seq)
      events[2]!.push(JSON.stringify(event))
    }
    const byCall = new Map<string, CallFacts>()
    for (const event of list) {
      const part = callFacts(event)
      if (part) byCall.set(part.callId, byCall.has(part.callId) ? mergeCall(byCall.get(part.callId)!, part) : part)
    }
    for (const c of byCall.values()) {
      ;[id, c.callId, c.model, c.modelRank, c.finished, c.failed, c.inputTokens, c.outputTokens, c.cachedTokens, c.reasoningTokens, c.costUsd, c.latencyMs, c.ttftMs, sortKey(summary), text(metadata.userId)].forEach(
        (value, i) => calls[i]!.push(value),
      )
    }
    for (const t of list.flatMap(searchTexts)) [id, t.seq, t.ord, t.t, t.field, t.text, t.text.toLowerCase()].forEach((value, i) => texts[i]!.push(value))
  }
  await postgresTransaction(pool, async (client) => {
    await client.query(
      `insert into tapedeck_sessions (session_id, user_id, feature, status, sort_at, summary, agent_id, label, tags, models, cost_usd,
         cost_known, duration_ms, errors, calls, audio_parts, audio_ms)
       select id, user_id, feature, status, sort_at, summary, agent_id, label,
         array(select json_array_elements_text(tags::json)), array(select json_array_elements_text(models::json)),
         cost_usd, cost_known, duration_ms, errors, calls, audio_parts, audio_ms
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[],
         $10::text[], $11::float8[], $12::boolean[], $13::float8[], $14::integer[], $15::integer[], $16::integer[], $17::float8[])
         as s(id, user_id, feature, status, sort_at, summary, agent_id, label, tags, models, cost_usd, cost_known, duration_ms, errors,
           calls, audio_parts, audio_ms)`,
      session,
    )
    await client.query(
      `insert into tapedeck_batches (session_id, idempotency_key, first_seq, last_seq, received_at)
       select session_id, 'bulk', first_seq, last_seq, to_timestamp($4::double precision / 1000)
       from unnest($1::text[], $2::bigint[], $3::bigint[]) as s(session_id, first_seq, last_seq)`,
      [sessions.map((list) => list[0]!.sessionId), sessions.map((list) => list[0]!.seq), sessions.map((list) => list.at(-1)!.seq), receivedAt],
    )
    await client.query('insert into tapedeck_events (session_id, seq, event) select * from unnest($1::text[], $2::bigint[], $3::text[])', events)
    await client.query(
      `insert into tapedeck_calls (${CALL_COLUMNS})
       select * from unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::boolean[], $6::boolean[], $7::float8[], $8::float8[],
         $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::bigint[], $15::text[])`,
      calls,
    )
    await client.query(
      `insert into tapedeck_texts (session_id, seq, ord, t, field, body, tsv)
       select session_id, seq, ord, t, field, body, ${TEXT_TSV}
       from unnest($1::text[], $2::bigint[], $3::smallint[], $4::float8[], $5::text[], $6::text[], $7::text[]) as x(session_id, seq, ord, t, field, body, lowered)`,
      texts,
    )
    await client.query(
      `insert into tapedeck_session_words (session_id, words)
       select x.session_id, ${SESSION_WORDS('tapedeck_texts x')} where x.session_id = any($1::text[]) group by x.session_id`,
      [sessions.map((list) => list[0]!.sessionId)],
    )
  })
}

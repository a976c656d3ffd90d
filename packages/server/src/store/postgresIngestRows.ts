import type { PoolClient } from 'pg'
import { searchTexts } from '../search/searchTexts.js'
import { callFacts, mergeCall, type CallFacts } from '../stats/callFacts.js'
import type { SessionSummary } from '../summary/sessionSummary.js'
import { knownCost, sessionSortValue } from './sessionSortValue.js'
import { SESSION_WORDS } from './postgresStudioSchema.js'
import { postgresText as text, postgresTextOrNull as str } from './postgresText.js'
import type { WireEvent } from './SessionStore.js'

/** The Studio columns of a tapedeck_sessions row, from its summary, as `$2…$12` of updateSessionColumns. */
export function sessionColumns(summary: SessionSummary): unknown[] {
  const metadata = summary.metadata ?? {}
  const tags = Array.isArray(metadata.tags) ? [...new Set(metadata.tags.filter((tag): tag is string => typeof tag === 'string').map(text))] : []
  return [
    str(metadata.agentId),
    str(metadata.label),
    tags,
    (summary.models ?? []).map(text),
    sessionSortValue(summary, 'costUsd'),
    knownCost(summary) !== null,
    sessionSortValue(summary, 'durationMs'),
    summary.errors,
    summary.calls,
    summary.audioParts ?? 0,
    summary.audioMs ?? 0,
  ]
}

/** tapedeck_calls' columns as ingest and the bulk loader write them, in this order. */
export const CALL_COLUMNS = `session_id, call_id, model, model_rank, finished, failed, input_tokens, output_tokens,
  cached_tokens, reasoning_tokens, cost_usd, latency_ms, ttft_ms, started_at, user_id`

/** A text row's tsvector, from its text lower-cased in Node (`lowered`), so matching does not depend on the database's locale. */
export const TEXT_TSV = "to_tsvector('simple', lowered)"

/** The session's start (`$2`) and user (`$3`) on its calls, when either changed since they were written. */
export const SESSION_OF_CALLS = `update tapedeck_calls set started_at = $2, user_id = $3
  where session_id = $1 and (started_at is distinct from $2 or user_id is distinct from $3)`

export const UPDATE_SESSION_COLUMNS = `update tapedeck_sessions set agent_id = $2, label = $3, tags = $4, models = $5, cost_usd = $6,
  cost_known = $7, duration_ms = $8, errors = $9, calls = $10, audio_parts = $11, audio_ms = $12 where session_id = $1`

/**
 * Writes the call and text rows of newly stored events, in the batch's transaction, and adds
 * the texts' words to the session's row in tapedeck_session_words. Parts of one call in the
 * batch are folded first (one row may be changed once per statement); parts that meet a stored
 * row fold in SQL exactly as mergeCall does. `startedAt` and `userId` are the session's start
 * (sortKey) and user as known now; SESSION_OF_CALLS moves the session's calls when they change.
 */
export async function insertIngestRows(client: PoolClient, sessionId: string, fresh: readonly WireEvent[], startedAt: number, userId: string | null): Promise<void> {
  const calls = new Map<string, CallFacts>()
  for (const event of fresh) {
    const part = callFacts(event)
    if (!part) continue
    const known = calls.get(part.callId)
    calls.set(part.callId, known ? mergeCall(known, part) : part)
  }
  if (calls.size > 0) {
    const rows = [...calls.values()]
    const column = <K extends keyof CallFacts>(key: K) => rows.map((row) => row[key])
    await client.query(
      `insert into tapedeck_calls as c (${CALL_COLUMNS})
       select $1, *, $14::bigint, $15::text from unnest($2::text[], $3::text[], $4::smallint[], $5::boolean[], $6::boolean[], $7::float8[], $8::float8[],
         $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[])
       on conflict (session_id, call_id) do update set
         started_at = excluded.started_at,
         user_id = excluded.user_id,
         model = case when excluded.model_rank > c.model_rank then excluded.model else c.model end,
         model_rank = greatest(c.model_rank, excluded.model_rank),
         finished = c.finished or excluded.finished,
         failed = c.failed or excluded.failed,
         input_tokens = c.input_tokens + excluded.input_tokens,
         output_tokens = c.output_tokens + excluded.output_tokens,
         cached_tokens = c.cached_tokens + excluded.cached_tokens,
         reasoning_tokens = c.reasoning_tokens + excluded.reasoning_tokens,
         cost_usd = c.cost_usd + excluded.cost_usd,
         latency_ms = greatest(c.latency_ms, excluded.latency_ms),
         ttft_ms = greatest(c.ttft_ms, excluded.ttft_ms)`,
      [
        sessionId,
        column('callId').map((id) => text(id)),
        column('model').map((model) => (model === null ? null : text(model))),
        column('modelRank'),
        column('finished'),
        column('failed'),
        column('inputTokens'),
        column('outputTokens'),
        column('cachedTokens'),
        column('reasoningTokens'),
        column('costUsd'),
        column('latencyMs'),
        column('ttftMs'),
        startedAt,
        userId,
      ],
    )
  }
  const texts = fresh.flatMap(searchTexts)
  if (texts.length > 0) {
    await client.query(
      `with x as (
         insert into tapedeck_texts (session_id, seq, ord, t, field, body, tsv)
         select $1, seq, ord, t, field, body, ${TEXT_TSV}
         from unnest($2::bigint[], $3::smallint[], $4::float8[], $5::text[], $6::text[], $7::text[]) as x(seq, ord, t, field, body, lowered)
         on conflict do nothing returning tsv)
       insert into tapedeck_session_words as d (session_id, words)
       select $1, ${SESSION_WORDS('x')} having count(*) > 0
       on conflict (session_id) do update set words = d.words || excluded.words`,
      [
        sessionId,
        texts.map((x) => x.seq),
        texts.map((x) => x.ord),
        texts.map((x) => x.t),
        texts.map((x) => x.field),
        texts.map((x) => x.text),
        texts.map((x) => x.text.toLowerCase()),
      ],
    )
  }
}

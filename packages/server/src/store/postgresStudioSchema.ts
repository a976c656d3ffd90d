/**
 * What the Studio API reads in PostgreSQL, kept at ingest so that no request scans
 * tapedeck_events (docs/server.md, "What each store does"):
 * - tapedeck_sessions gains one column per filter and sort, indexed;
 * - tapedeck_calls: one row per provider call (callFacts, folded on conflict);
 * - tapedeck_texts: one row per searched text (searchTexts) with its tsvector, GIN-indexed;
 * - tapedeck_annotations and tapedeck_shares: review work, erased with the session.
 * - tapedeck_calls.started_at and user_id: the session's start (tapedeck_sessions.sort_at) and
 *   user on each call, so statistics over a date range, by user too, read the calls of the range
 *   from one covering index, without joining the sessions (unless other filters ask for them);
 * - tapedeck_session_words: one row per session with every word of its texts (a stripped
 *   tsvector, GIN-indexed): a search finds and counts sessions with one index probe, and reads
 *   tapedeck_texts only for the page's snippets (and, for several words, to check that one text
 *   holds them all).
 * Sessions stored by a version before the Studio have default values in the new columns and no
 * call or text rows: they are listed, but the new filters and statistics do not see their
 * content. STUDIO_BACKFILLS fill what later versions added from the rows already stored.
 */
export const STUDIO_MIGRATION = `
alter table tapedeck_sessions add column if not exists agent_id text;
alter table tapedeck_sessions add column if not exists label text;
alter table tapedeck_sessions add column if not exists tags text[] not null default '{}';
alter table tapedeck_sessions add column if not exists models text[] not null default '{}';
alter table tapedeck_sessions add column if not exists cost_usd double precision not null default 0;
alter table tapedeck_sessions add column if not exists cost_known boolean not null default true;
alter table tapedeck_sessions add column if not exists duration_ms double precision not null default 0;
alter table tapedeck_sessions add column if not exists errors integer not null default 0;
alter table tapedeck_sessions add column if not exists calls integer not null default 0;
alter table tapedeck_sessions add column if not exists audio_parts integer not null default 0;
alter table tapedeck_sessions add column if not exists audio_ms double precision not null default 0;
create index if not exists tapedeck_sessions_by_cost on tapedeck_sessions (cost_usd, session_id);
create index if not exists tapedeck_sessions_by_duration on tapedeck_sessions (duration_ms, session_id);
create index if not exists tapedeck_sessions_by_errors on tapedeck_sessions (errors, session_id);
create index if not exists tapedeck_sessions_by_calls on tapedeck_sessions (calls, session_id);
create index if not exists tapedeck_sessions_by_feature on tapedeck_sessions (feature, sort_at);
create index if not exists tapedeck_sessions_by_agent on tapedeck_sessions (agent_id, sort_at);
create index if not exists tapedeck_sessions_by_label on tapedeck_sessions (label);
create index if not exists tapedeck_sessions_tags on tapedeck_sessions using gin (tags);
create index if not exists tapedeck_sessions_models on tapedeck_sessions using gin (models);
create table if not exists tapedeck_calls (
  session_id text collate "C" not null,
  call_id text not null,
  model text,
  model_rank smallint not null,
  finished boolean not null,
  failed boolean not null,
  input_tokens double precision not null,
  output_tokens double precision not null,
  cached_tokens double precision not null,
  reasoning_tokens double precision not null,
  cost_usd double precision not null,
  latency_ms double precision,
  ttft_ms double precision,
  primary key (session_id, call_id)
);
create index if not exists tapedeck_calls_by_model on tapedeck_calls (model, session_id) where finished;
alter table tapedeck_calls add column if not exists started_at bigint;
alter table tapedeck_calls add column if not exists user_id text;
create table if not exists tapedeck_texts (
  session_id text collate "C" not null,
  seq bigint not null,
  ord smallint not null,
  t double precision,
  field text not null,
  body text not null,
  tsv tsvector not null,
  primary key (session_id, seq, ord)
);
create index if not exists tapedeck_texts_search on tapedeck_texts using gin (tsv);
create table if not exists tapedeck_session_words (
  session_id text collate "C" primary key,
  words tsvector not null
);
create index if not exists tapedeck_session_words_search on tapedeck_session_words using gin (words);
create table if not exists tapedeck_schema_steps (name text primary key, done_at timestamptz not null default now());
create table if not exists tapedeck_annotations (
  session_id text collate "C" not null,
  annotation_id text not null,
  kind text not null,
  text text not null,
  created_at bigint not null,
  added bigint generated always as identity,
  annotation text not null,
  primary key (session_id, annotation_id)
);
create table if not exists tapedeck_shares (
  session_id text collate "C" not null,
  share_id text not null,
  token_hash text not null,
  created_at bigint not null,
  expires_at bigint not null,
  added bigint generated always as identity,
  primary key (session_id, share_id)
);`

/**
 * The lexemes of `tsvectors` (a set of tapedeck_texts.tsv) as one stripped tsvector: how ingest,
 * the bulk loader and the backfill all make a session's words, so they hold the same value.
 */
export const SESSION_WORDS = (tsvectors: string) => `array_to_tsvector(array_agg(distinct u.lexeme)) from ${tsvectors}, unnest(x.tsv) as u`

/**
 * One-time steps for databases written by an earlier version, each run once (recorded in
 * tapedeck_schema_steps) in the migration's transaction, after STUDIO_MIGRATION. On 100,000
 * sessions (300,000 calls, 1.6 million texts) they take about a minute (bench/README.md).
 */
export const STUDIO_BACKFILLS: ReadonlyArray<{ name: string; sql: string }> = [
  {
    name: 'calls_started_at',
    sql: `update tapedeck_calls c set started_at = s.sort_at from tapedeck_sessions s where s.session_id = c.session_id and c.started_at is null`,
  },
  {
    name: 'calls_user_id',
    sql: `update tapedeck_calls c set user_id = s.user_id from tapedeck_sessions s where s.session_id = c.session_id and s.user_id is not null`,
  },
  {
    // Annotations and share links an add left when it raced an erasure, before adds took the
    // session's lock (postgresReviews): rows whose session no longer exists. Once; none since.
    name: 'orphan_reviews',
    sql: `delete from tapedeck_annotations a where not exists (select from tapedeck_sessions s where s.session_id = a.session_id);
      delete from tapedeck_shares h where not exists (select from tapedeck_sessions s where s.session_id = h.session_id)`,
  },
  {
    name: 'session_words',
    sql: `insert into tapedeck_session_words (session_id, words)
      select x.session_id, ${SESSION_WORDS('tapedeck_texts x')} group by x.session_id
      on conflict (session_id) do update set words = excluded.words`,
  },
]

/**
 * Indexes made after the backfills (an index is cheaper to build once than to keep during them).
 * tapedeck_sessions_with_errors: `hasErrors=true` in the default sort (newest first), alone or
 * with a feature, walks 5 % of the sessions in order and counts them index-only (bench/README.md:
 * 123 ms -> 0.6 ms a page, 118 -> 0.4 ms its count, on 100,000 sessions).
 * tapedeck_calls_by_user: statistics by user sketch the latency and TTFT of the top users by
 * cost only; this reads those users' calls (4,518 of 103,431 in 30 days) where a scan filtered
 * every call (bench/README.md, Round 4: 344–543 ms -> 31–52 ms).
 */
export const STUDIO_INDEXES = `
drop index if exists tapedeck_calls_by_start;
create index if not exists tapedeck_calls_by_start_user on tapedeck_calls (started_at)
  include (model, user_id, failed, input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_usd, latency_ms, ttft_ms) where finished;
create index if not exists tapedeck_calls_by_user on tapedeck_calls (user_id, started_at)
  include (failed, latency_ms, ttft_ms) where finished;
create index if not exists tapedeck_sessions_for_stats on tapedeck_sessions (sort_at)
  include (user_id, feature, agent_id, errors, audio_ms, models, tags);
create index if not exists tapedeck_sessions_with_errors on tapedeck_sessions (sort_at desc, session_id desc)
  include (feature) where errors > 0;`

/** Tables whose rows belong to one session: erasure empties them all. */
export const STUDIO_TABLES = ['tapedeck_calls', 'tapedeck_texts', 'tapedeck_session_words', 'tapedeck_annotations', 'tapedeck_shares'] as const

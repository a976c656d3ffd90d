/**
 * What the Studio API reads in PostgreSQL, kept at ingest so that no request scans
 * tapedeck_events (docs/server.md, "What each store does"):
 * - tapedeck_sessions gains one column per filter and sort, indexed;
 * - tapedeck_calls: one row per provider call (callFacts, folded on conflict);
 * - tapedeck_texts: one row per searched text (searchTexts) with its tsvector, GIN-indexed;
 * - tapedeck_annotations and tapedeck_shares: review work, erased with the session.
 * Sessions stored by an earlier version have default values in the new columns and no call or
 * text rows: they are listed, but the new filters and statistics do not see their content.
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

/** Tables whose rows belong to one session: erasure empties them all. */
export const STUDIO_TABLES = ['tapedeck_calls', 'tapedeck_texts', 'tapedeck_annotations', 'tapedeck_shares'] as const

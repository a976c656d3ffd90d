import type { PoolClient } from 'pg'
import { VERDICT_FUNCTION } from './postgresCheckStats.js'
import { CALL_DAYS_BACKFILL, CALL_DAYS_MIGRATION, rebuildCallDays } from './postgresCallDays.js'
import { STREAM_LINKS_MIGRATION } from './postgresStreamLinks.js'
import { STUDIO_BACKFILLS, STUDIO_INDEXES, STUDIO_MIGRATION } from './postgresStudioSchema.js'

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

/**
 * Creates or brings up to date every table, index and function of the store, in the caller's
 * transaction, under an advisory lock so several servers can start at once. Backfills run once
 * each (tapedeck_schema_steps).
 */
export async function migratePostgres(client: PoolClient): Promise<void> {
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
}

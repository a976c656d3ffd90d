import type { Pool, PoolClient } from 'pg'
import { sketchBucketSql } from '../stats/percentileSketch.js'
import { bucketSql } from '../stats/statsFigures.js'
import { postgresTransaction } from './postgresTransaction.js'

const DAY = 86_400_000
/** The first key of the two-key advisory locks that keep a day's roll-up and its calls in step ('te'). */
const DAY_LOCKS = 0x7465

/** The UTC day (its start, epoch ms) of a call's `started_at`, as the statistics' day buckets compute it. */
const dayOf = (column: string) => bucketSql(column, DAY)

/**
 * Daily roll-ups of the provider calls (docs/server.md, "Daily roll-ups"), so that statistics
 * over whole days read one row per (day, model, feature) instead of every call:
 * - tapedeck_call_days: the calls' sums;
 * - tapedeck_call_day_sketches: their latency and TTFT sketch buckets (percentileSketch: count,
 *   lowest, highest), which merge exactly — counts add, lows and highs bound — so a roll-up
 *   answers the very percentiles the calls would; per day three times over (`dim`): over all
 *   calls ('all', key null), per model ('model') and per feature ('feature'), because a sketch
 *   has a row per bucket, and per (model, feature) a month of them is nearly a row per call;
 * - tapedeck_stale_days: days whose calls changed since their roll-up was built.
 * Every write that changes a day's calls marks the day (a trigger on tapedeck_calls: ingest, the
 * bulk loader, a session whose start moves, erasure, retention; one on tapedeck_sessions when a
 * session's feature changes) under a shared advisory lock on the day, held until its
 * transaction ends. refreshCallDays rebuilds a marked day under the exclusive lock, so it waits
 * for every write in flight on that day and misses none. Erasing calls also drops the day's
 * roll-up rows at once, so no figure of an erased session outlives its transaction: a sketch
 * cannot subtract a value (the lowest and highest of a bucket would still be the erased call's),
 * so the day is rebuilt from the calls that remain instead.
 */
export const CALL_DAYS_MIGRATION = `
create table if not exists tapedeck_call_days (
  day bigint not null,
  model text,
  feature text,
  calls bigint not null,
  failed_calls bigint not null,
  input_tokens double precision not null,
  output_tokens double precision not null,
  cached_tokens double precision not null,
  reasoning_tokens double precision not null,
  cost_usd double precision not null
);
create index if not exists tapedeck_call_days_by_day on tapedeck_call_days (day);
create table if not exists tapedeck_call_day_sketches (
  day bigint not null,
  dim text not null,
  key text,
  metric text not null,
  bucket integer not null,
  count bigint not null,
  low double precision not null,
  high double precision not null
);
create index if not exists tapedeck_call_day_sketches_by_day on tapedeck_call_day_sketches (dim, day) include (key, metric, bucket, count, low, high);
create table if not exists tapedeck_stale_days (day bigint primary key);

create or replace function tapedeck_mark_days(days bigint[], erased boolean) returns void language plpgsql as $fn$
begin
  -- Sorted, so writers and rebuilders take the days' locks in one order.
  perform pg_advisory_xact_lock_shared(${DAY_LOCKS}, (d / ${DAY})::int) from (select distinct d from unnest(days) as u(d) where d is not null order by d) as sorted;
  if erased then
    delete from tapedeck_call_days where day = any(days);
    delete from tapedeck_call_day_sketches where day = any(days);
  end if;
  -- A mark already there stays until a rebuild, which waits for this transaction (the lock above).
  insert into tapedeck_stale_days (day)
    select distinct d from unnest(days) as u(d) where d is not null and not exists (select 1 from tapedeck_stale_days m where m.day = u.d)
    on conflict do nothing;
end
$fn$;

create or replace function tapedeck_calls_changed() returns trigger language plpgsql as $fn$
begin
  if tg_op = 'INSERT' then
    perform tapedeck_mark_days(array(select distinct ${dayOf('n.started_at')} from new_rows n), false);
  elsif tg_op = 'UPDATE' then
    perform tapedeck_mark_days(array(select distinct ${dayOf('n.started_at')} from new_rows n union select distinct ${dayOf('o.started_at')} from old_rows o), false);
  else
    perform tapedeck_mark_days(array(select distinct ${dayOf('o.started_at')} from old_rows o), true);
  end if;
  return null;
end
$fn$;

create or replace function tapedeck_session_feature_changed() returns trigger language plpgsql as $fn$
begin
  perform tapedeck_mark_days(array[${dayOf('old.sort_at')}, ${dayOf('new.sort_at')}], false);
  return null;
end
$fn$;

-- Created once (a trigger cannot be replaced without a lock on its table at every start).
do $do$
begin
  if not exists (select 1 from pg_trigger where tgrelid = 'tapedeck_calls'::regclass and tgname = 'tapedeck_calls_inserted') then
    create trigger tapedeck_calls_inserted after insert on tapedeck_calls referencing new table as new_rows
      for each statement execute function tapedeck_calls_changed();
    create trigger tapedeck_calls_updated after update on tapedeck_calls referencing old table as old_rows new table as new_rows
      for each statement execute function tapedeck_calls_changed();
    create trigger tapedeck_calls_deleted after delete on tapedeck_calls referencing old table as old_rows
      for each statement execute function tapedeck_calls_changed();
    create trigger tapedeck_session_feature after update of feature on tapedeck_sessions
      for each row when (old.feature is distinct from new.feature and old.calls > 0)
      execute function tapedeck_session_feature_changed();
  end if;
end
$do$;`

/** The one-time step for calls stored before the roll-ups: every day with calls is marked, then rebuilt in the migration. */
export const CALL_DAYS_BACKFILL = `insert into tapedeck_stale_days (day)
  select distinct ${dayOf('started_at')} from tapedeck_calls where started_at is not null on conflict do nothing`

/**
 * Rebuilds the marked days in [fromDay, toDay) (every marked day without a range), each under
 * its exclusive lock, in one transaction on `client` (which must be in one). Returns the days rebuilt.
 */
export async function rebuildCallDays(client: PoolClient, range?: { fromDay: number; toDay: number }): Promise<number[]> {
  const inRange = range ? 'where day >= $1 and day < $2' : ''
  const params = range ? [range.fromDay, range.toDay] : []
  const marked = (await client.query<{ day: string }>(`select day from tapedeck_stale_days ${inRange} order by day`, params)).rows.map((row) => Number(row.day))
  if (marked.length === 0) return []
  await client.query(`select pg_advisory_xact_lock(${DAY_LOCKS}, (d / ${DAY})::int) from (select d from unnest($1::bigint[]) as u(d) order by d) as sorted`, [marked])
  // Under the locks no write to these days is in flight: what the statements below read is every call of them.
  const days = (await client.query<{ day: string }>('delete from tapedeck_stale_days where day = any($1::bigint[]) returning day', [marked])).rows.map((row) => Number(row.day))
  if (days.length === 0) return []
  await client.query('delete from tapedeck_call_days where day = any($1::bigint[])', [days])
  await client.query('delete from tapedeck_call_day_sketches where day = any($1::bigint[])', [days])
  const calls = `from unnest($1::bigint[]) as d(day)
    join tapedeck_calls c on c.finished and c.started_at >= d.day and c.started_at < d.day + ${DAY}
    join tapedeck_sessions s on s.session_id = c.session_id`
  await client.query(
    `insert into tapedeck_call_days (day, model, feature, calls, failed_calls, input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_usd)
     select d.day, c.model, s.feature, count(*), count(*) filter (where c.failed), sum(c.input_tokens), sum(c.output_tokens),
       sum(c.cached_tokens), sum(c.reasoning_tokens), sum(c.cost_usd)
     ${calls} group by d.day, c.model, s.feature`,
    [days],
  )
  const bucket = sketchBucketSql('m.value')
  await client.query(
    `insert into tapedeck_call_day_sketches (day, dim, key, metric, bucket, count, low, high)
     select d.day, case when grouping(c.model) = 0 then 'model' when grouping(s.feature) = 0 then 'feature' else 'all' end,
       coalesce(case when grouping(c.model) = 0 then c.model end, case when grouping(s.feature) = 0 then s.feature end),
       m.metric, ${bucket}, count(*), min(m.value), max(m.value)
     ${calls} cross join lateral (values ('latency', c.latency_ms), ('ttft', c.ttft_ms)) as m(metric, value)
     where not c.failed and m.value is not null
     group by grouping sets ((d.day, m.metric, ${bucket}), (d.day, c.model, m.metric, ${bucket}), (d.day, s.feature, m.metric, ${bucket}))`,
    [days],
  )
  return days
}

/** Brings the roll-ups of [fromDay, toDay) up to date before they are read: nothing to do (one index probe) unless a day is marked. */
export async function refreshCallDays(pool: Pool, fromDay: number, toDay: number): Promise<void> {
  const { rowCount } = await pool.query('select 1 from tapedeck_stale_days where day >= $1 and day < $2 limit 1', [fromDay, toDay])
  if (!rowCount) return
  await postgresTransaction(pool, (client) => rebuildCallDays(client, { fromDay, toDay }))
}

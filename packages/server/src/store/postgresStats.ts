import type { Pool } from 'pg'
import type { StatsGroup, StatsGroupBy, StatsRow } from '@tapedeck/core'
import { mergeSketches, sketchBucketSql, sketchPercentiles, type SketchBucket } from '../stats/percentileSketch.js'
import { bucketKey, bucketMs, bucketSql, byCostThenKey, roundRow } from '../stats/statsFigures.js'
import { sessionConditionsSql } from './postgresConditions.js'
import { refreshCallDays } from './postgresCallDays.js'
import { postgresTransaction } from './postgresTransaction.js'
import type { StatsQuery, StatsResult } from './SessionStore.js'

/** The statistics of one grouping of a query. */
type GroupQuery = Omit<StatsQuery, 'groupBy'> & { groupBy: StatsGroupBy }

/** Hash aggregates (sketch buckets, users per group) stay in memory up to this much per query. */
const WORK_MEM = '64MB'

/**
 * The group key over `s` (or, for calls, `c`) and the joins it needs, and whether a session can
 * fall in several groups (then its totals are a query of their own: a grouping set would count
 * it twice). Calls carry their session's start (started_at), so buckets of time and models need
 * no session row.
 */
function keyOf(groupBy: StatsGroupBy, calls: boolean): { key: string; join: string; fansOut: boolean } {
  const width = bucketMs(groupBy)
  if (width !== null) return { key: `${bucketSql(calls ? 'c.started_at' : 's.sort_at', width)}::text`, join: '', fansOut: false }
  switch (groupBy) {
    case 'userId':
      // Calls carry their session's user (kept at ingest, as their start is).
      return { key: calls ? 'c.user_id' : 's.user_id', join: '', fansOut: false }
    case 'feature':
      return { key: 's.feature', join: '', fansOut: false }
    case 'agentId':
      return { key: 's.agent_id', join: '', fansOut: false }
    case 'tag':
      return { key: 't.tag', join: 'left join lateral unnest(s.tags) as t(tag) on true', fansOut: true }
    default:
      // model: a call's own model; a session under every model its calls name (the models column).
      return calls ? { key: 'c.model', join: '', fansOut: false } : { key: 'sm.model', join: 'join lateral unnest(s.models) as sm(model) on true', fansOut: true }
  }
}

interface SessionFigures {
  /** The grouping's index in the query; -1: over all. */
  g: number
  key: string | null
  sessions: string
  users: string
  sessions_with_errors: string
  errors: string | null
  audio_ms: number | null
}

interface CallFigures {
  key: string | null
  is_total: number
  calls: string
  failed_calls: string
  input_tokens: number
  output_tokens: number
  cached_tokens: number
  reasoning_tokens: number
  cost_usd: number
  latency?: SketchBucket[]
  ttft?: SketchBucket[]
}

interface SketchRow {
  key: string | null
  is_total: number
  metric: 'latency' | 'ttft'
  bucket: number
  count: string
  low: number
  high: number
}

/** One statement with room to sort in memory, in a transaction of its own. */
function run<T extends object>(pool: Pool, sql: string, params: unknown[]): Promise<T[]> {
  return postgresTransaction(pool, async (client) => {
    await client.query(`set local work_mem = '${WORK_MEM}'`)
    return (await client.query<T>(sql, params)).rows
  })
}

/**
 * The sessions' figures of grouping `g` of the query (-1: over all, one row), and with
 * `withTotal` the totals in the same scan (a grouping set; `g` -1 on their row). Distinct users by
 * a hash aggregate per (group, user) first, then per group: no sort. One statement per grouping,
 * run side by side: one statement for all four groupings of the Overview (a row per session and
 * grouping) took as long as the four added up (bench/README.md, Round 5).
 */
function sessionFigures(pool: Pool, query: StatsQuery, g: number, withTotal: boolean): Promise<SessionFigures[]> {
  const params: unknown[] = []
  const { key, join } = g === -1 ? { key: 'null::text', join: '' } : keyOf(query.groupBy[g]!, false)
  return run<SessionFigures>(
    pool,
    `select g, key, sum(n) as sessions, count(user_id) as users,
       sum(with_errors) as sessions_with_errors, sum(errors) as errors, sum(audio_ms) as audio_ms
     from (
       select ${withTotal ? `case when grouping(k.key) = 1 then -1 else ${g} end` : g} as g, k.key, k.user_id, count(*) as n,
         count(*) filter (where k.errors > 0) as with_errors, sum(k.errors) as errors, sum(k.audio_ms) as audio_ms
       from (
         select ${key} as key, s.user_id, s.errors, s.audio_ms from tapedeck_sessions s ${join}
         where ${sessionConditionsSql(query, params)}
       ) as k
       ${withTotal ? 'group by grouping sets ((k.key, k.user_id), (k.user_id))' : 'group by k.key, k.user_id'}
     ) as per_user
     group by g, key`,
    params,
  )
}

/** Whether the calls' figures need their sessions' rows: a filter beyond the date range, or a key only sessions have. */
function callsNeedSessions(query: GroupQuery, key: string): boolean {
  const { from, to, groupBy, limit, ...conditions } = query
  return key.includes('s.') || Object.values(conditions).some((value) => value !== undefined)
}

/** The calls of the range (and filters) as `c`: the tables, with the session join other filters or the key need, and the conditions. */
function callSource(query: GroupQuery, grouping: { key: string; join: string }, params: unknown[]): { from: string; where: string } {
  // The range on the calls' own start reads them from tapedeck_calls_by_start_user; other filters join their sessions.
  const range = `c.finished and c.started_at >= $${params.push(Math.ceil(query.from))}::bigint and c.started_at < $${params.push(Math.ceil(query.to))}::bigint`
  return callsNeedSessions(query, grouping.key + grouping.join)
    ? { from: `tapedeck_calls c join tapedeck_sessions s on s.session_id = c.session_id ${grouping.join}`, where: `${range} and ${sessionConditionsSql(query, params)}` }
    : { from: `tapedeck_calls c ${grouping.join}`, where: range }
}

/**
 * Per group the calls' sums, and the latency and TTFT sketches of the calls that did not fail
 * (percentileSketch: buckets counted by a hash aggregate, where percentile_cont sorted every call).
 * Grouped by user, there can be thousands more groups than the answer's `limit`: their sums
 * come first, and only the top `limit` users by cost get sketches (with the totals').
 */
async function callFigures(pool: Pool, query: GroupQuery, grouping: { key: string; join: string }, withTotal: boolean): Promise<CallFigures[]> {
  const { key } = grouping
  const sumParams: unknown[] = []
  const sums = callSource(query, grouping, sumParams)
  const sumsSql = `select ${key} as key, ${withTotal ? `grouping(${key})` : '0'} as is_total, count(*) as calls, count(*) filter (where c.failed) as failed_calls,
       sum(c.input_tokens) as input_tokens, sum(c.output_tokens) as output_tokens,
       sum(c.cached_tokens) as cached_tokens, sum(c.reasoning_tokens) as reasoning_tokens, sum(c.cost_usd) as cost_usd
     from ${sums.from} where ${sums.where}
     ${withTotal ? `group by grouping sets ((${key}), ())` : `group by ${key}`}`
  /**
   * Sketch rows: per group and over all in one scan (a grouping set), or — `keys` — of these
   * groups only, or — `total` — over all.
   */
  const sketches = (scope: 'grouped' | { total: true } | { keys: Array<string | null> }, range: { from: number; to: number } = query) => {
    const params: unknown[] = []
    const source = callSource({ ...query, from: range.from, to: range.to }, grouping, params)
    const bucket = sketchBucketSql('m.value')
    let where = `${source.where} and not c.failed and m.value is not null`
    if (typeof scope === 'object' && 'keys' in scope) {
      const named = scope.keys.filter((k) => k !== null)
      where += ` and (${key} = any($${params.push(named)}::text[])${scope.keys.includes(null) ? ` or ${key} is null` : ''})`
    }
    const total = typeof scope === 'object' && 'total' in scope
    const grouped = scope === 'grouped' && withTotal
    return run<SketchRow>(
      pool,
      `select ${total ? 'null::text' : key} as key, ${total ? '1' : grouped ? `grouping(${key})` : '0'} as is_total, m.metric, ${bucket} as bucket,
         count(*) as count, min(m.value) as low, max(m.value) as high
       from ${source.from} cross join lateral (values ('latency', c.latency_ms), ('ttft', c.ttft_ms)) as m(metric, value)
       where ${where}
       ${total ? `group by m.metric, ${bucket}` : grouped ? `group by grouping sets ((${key}, m.metric, ${bucket}), (m.metric, ${bucket}))` : `group by ${key}, m.metric, ${bucket}`}`,
      params,
    )
  }
  let figures: CallFigures[]
  let sketched: SketchRow[][]
  if (query.groupBy === 'userId') {
    // Thousands of users: the sums first, then sketches for the top `limit` by cost; the totals'
    // sketch meanwhile, from the daily roll-ups where they answer it (whole days, no filter but a feature).
    const days = rollupDays({ ...query, groupBy: 'day' })
    const totals = !withTotal
      ? Promise.resolve([])
      : !days
        ? sketches({ total: true })
        : readFresh(pool, days, () => Promise.all([rollupSketches(pool, query, days, null)])).then(async (whole) =>
            whole
              ? mergeSketchRows([
                  ...whole,
                  ...(await Promise.all([
                    query.from < days.fromDay ? sketches({ total: true }, { from: query.from, to: days.fromDay }) : [],
                    query.to > days.toDay ? sketches({ total: true }, { from: days.toDay, to: query.to }) : [],
                  ])),
                ])
              : sketches({ total: true }),
          )
    totals.catch(() => undefined) // awaited below
    figures = await run<CallFigures>(pool, sumsSql, sumParams)
    const groups = figures.filter((row) => Number(row.is_total) === 0)
    const top = groups.map((row) => ({ key: row.key, costUsd: Math.round(Number(row.cost_usd) * 1e9) / 1e9 })).sort(byCostThenKey).slice(0, query.limit).map((row) => row.key)
    sketched = await Promise.all([sketches({ keys: top }), totals])
  } else {
    // Days, hours, models, features, agents, tags: few groups, all sketched in the sums' company.
    ;[figures, ...sketched] = await Promise.all([run<CallFigures>(pool, sumsSql, sumParams), sketches('grouped')])
  }
  attachSketches(figures, sketched)
  return figures
}

const DAY = 86_400_000

/** The `is_total` of the row a roll-up statement adds when a day of its range is marked stale (staleRow). */
const STALE = 2

/**
 * A roll-up statement's last part: one row, `is_total` STALE, when a day of its range [$1, $2) is
 * marked in the statement's own snapshot. Without that row, every day of the range was rebuilt
 * after its calls last changed, so the sums are the calls as they stood at that snapshot. With it,
 * they may mix two moments: a call that moved a day (a late session start marks both) counts in
 * the day another reader rebuilt after this one's refresh and again in the day not yet rebuilt.
 * `nulls`: the statement's columns after key and is_total.
 */
const staleRow = (nulls: number) => `union all (select null::text, ${STALE}${', null'.repeat(nulls)} from tapedeck_stale_days m where m.day >= $1 and m.day < $2 limit 1)`

/**
 * Reads the roll-ups of `days` (`read`: statements ending in a staleRow), each time after a
 * refresh, until no statement saw a marked day; null after three tries (writes that keep marking
 * the range), and the caller reads the calls instead.
 */
async function readFresh<P extends Array<Array<{ is_total: number }>>>(pool: Pool, days: { fromDay: number; toDay: number }, read: () => Promise<P>): Promise<P | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await refreshCallDays(pool, days.fromDay, days.toDay)
    const parts = await read()
    if (parts.every((rows) => rows.every((row) => Number(row.is_total) !== STALE))) return parts
  }
  return null
}

/** The roll-up column a grouping reads, when the daily roll-ups can answer it (postgresCallDays). */
const ROLLUP_KEYS: Partial<Record<StatsGroupBy, string>> = { day: 'r.day', model: 'r.model', feature: 'r.feature' }

/**
 * The whole UTC days of the query's range that the roll-ups answer, or null: they hold calls per
 * (day, model, feature), so they answer groupings by day, model and feature over all sessions,
 * and by day and feature over one feature, and only for whole days (the range's partial days
 * are read from the calls).
 */
function rollupDays(query: GroupQuery): { fromDay: number; toDay: number } | null {
  const { from, to, groupBy, limit, feature, ...conditions } = query
  if (!ROLLUP_KEYS[groupBy] || Object.values(conditions).some((value) => value !== undefined)) return null
  if (feature !== undefined && groupBy === 'model') return null
  const fromDay = Math.ceil(from / DAY) * DAY
  const toDay = Math.floor(to / DAY) * DAY
  return toDay > fromDay ? { fromDay, toDay } : null
}

/**
 * The sketch rows of whole days from the roll-ups: per group of `groupBy` (null: only the
 * totals) and, `withTotal`, over all, for all sessions or the query's one feature.
 */
function rollupSketches(pool: Pool, query: GroupQuery, days: { fromDay: number; toDay: number }, groupBy: 'day' | 'model' | 'feature' | null, withTotal = true): Promise<SketchRow[]> {
  const params: unknown[] = [days.fromDay, days.toDay]
  // Over one feature, its 'feature' rows are every call of it; else the 'all' rows.
  const scope = query.feature !== undefined ? `r.dim = 'feature' and r.key = $${params.push(query.feature)}` : `r.dim = 'all'`
  const range = 'r.day >= $1 and r.day < $2'
  const totals = `select null::text as key, 1 as is_total, r.metric, r.bucket, sum(r.count) as count, min(r.low) as low, max(r.high) as high
    from tapedeck_call_day_sketches r where ${scope} and ${range} group by r.metric, r.bucket`
  const stale = staleRow(5)
  if (groupBy === null) return run<SketchRow>(pool, `${totals} ${stale}`, params)
  if (groupBy === 'day') {
    // One (dim, key) has one row per (day, metric, bucket) (rebuildCallDays): its rows are the day's sketch as they are.
    return run<SketchRow>(
      pool,
      `select r.day::text as key, 0 as is_total, r.metric, r.bucket, r.count, r.low, r.high
       from tapedeck_call_day_sketches r where ${scope} and ${range}
       ${withTotal ? `union all ${totals}` : ''} ${stale}`,
      params,
    )
  }
  // By model or feature: their own rows (over one feature, that feature's rows are the group).
  const grouped = query.feature !== undefined ? scope : `r.dim = '${groupBy}'`
  return run<SketchRow>(
    pool,
    `select r.key, 0 as is_total, r.metric, r.bucket, sum(r.count) as count, min(r.low) as low, max(r.high) as high
     from tapedeck_call_day_sketches r where ${grouped} and ${range} group by r.key, r.metric, r.bucket
     ${withTotal ? `union all ${totals}` : ''} ${stale}`,
    params,
  )
}

/**
 * The calls' figures of whole days from the roll-ups (refreshed first), per group and
 * (`withTotal`) over all, in callFigures' shape; null when writes kept marking the days (readFresh).
 */
async function rollupFigures(pool: Pool, query: GroupQuery, days: { fromDay: number; toDay: number }, withTotal: boolean): Promise<CallFigures[] | null> {
  const column = ROLLUP_KEYS[query.groupBy]!
  const params: unknown[] = [days.fromDay, days.toDay]
  const where = `r.day >= $1 and r.day < $2${query.feature !== undefined ? ` and r.feature = $${params.push(query.feature)}` : ''}`
  const parts = await readFresh<[CallFigures[], SketchRow[]]>(pool, days, () =>
    Promise.all([
      run<CallFigures>(
        pool,
        `select ${column}::text as key, ${withTotal ? `grouping(${column})` : '0'} as is_total, sum(r.calls) as calls, sum(r.failed_calls) as failed_calls,
           sum(r.input_tokens) as input_tokens, sum(r.output_tokens) as output_tokens, sum(r.cached_tokens) as cached_tokens,
           sum(r.reasoning_tokens) as reasoning_tokens, sum(r.cost_usd) as cost_usd
         from tapedeck_call_days r where ${where} group by ${withTotal ? `grouping sets ((${column}), ())` : column} ${staleRow(7)}`,
        params,
      ),
      rollupSketches(pool, query, days, query.groupBy as 'day' | 'model' | 'feature', withTotal),
    ]),
  )
  if (!parts) return null
  const [figures, sketched] = parts
  attachSketches(figures, [sketched])
  return figures
}

/** Sketch rows of parts of one range, one row per (group, metric, bucket): counts add, lows and highs bound. */
function mergeSketchRows(parts: SketchRow[][]): SketchRow[] {
  const merged = new Map<string, SketchRow>()
  for (const row of parts.flat()) {
    const id = `${Number(row.is_total)}:${row.key}:${row.metric}:${row.bucket}`
    const known = merged.get(id)
    if (!known) merged.set(id, { ...row, count: String(Number(row.count)) })
    else merged.set(id, { ...known, count: String(Number(known.count) + Number(row.count)), low: Math.min(known.low, row.low), high: Math.max(known.high, row.high) })
  }
  return [...merged.values()]
}

/** Adds sketch rows to the figures of their group. */
function attachSketches(figures: CallFigures[], sketched: SketchRow[][]): void {
  const byGroup = new Map(figures.map((row) => [`${Number(row.is_total)}:${row.key}`, row]))
  for (const row of sketched.flat()) {
    const figure = byGroup.get(`${Number(row.is_total)}:${row.key}`)
    if (!figure) continue
    ;(figure[row.metric] ??= []).push({ bucket: row.bucket, count: Number(row.count), low: row.low, high: row.high })
  }
}

/** Call figures of parts of one range (roll-ups and partial days), merged per group: sums add, sketch buckets merge exactly. */
function mergeCallFigures(parts: CallFigures[][]): CallFigures[] {
  const merged = new Map<string, CallFigures>()
  const SUMS = ['calls', 'failed_calls', 'input_tokens', 'output_tokens', 'cached_tokens', 'reasoning_tokens', 'cost_usd'] as const
  for (const row of parts.flat()) {
    const id = `${Number(row.is_total)}:${row.key}`
    const known = merged.get(id)
    if (!known) {
      merged.set(id, { ...row, latency: row.latency && [...row.latency], ttft: row.ttft && [...row.ttft] })
      continue
    }
    const mutable = known as unknown as Record<(typeof SUMS)[number], number>
    for (const field of SUMS) mutable[field] = Number(known[field]) + Number(row[field])
    for (const metric of ['latency', 'ttft'] as const) known[metric] = mergeSketches(known[metric] ?? [], row[metric] ?? [])
  }
  return [...merged.values()]
}


/**
 * The calls' figures of the range: whole days from the roll-ups (rebuilt first where marked
 * stale) and the partial days at the edges from the calls; all from the calls when the
 * roll-ups cannot answer the query.
 */
async function rangeCallFigures(pool: Pool, query: GroupQuery, grouping: { key: string; join: string }, withTotal: boolean): Promise<CallFigures[]> {
  const days = rollupDays(query)
  if (!days) return callFigures(pool, query, grouping, withTotal)
  const edges = Promise.all([
    query.from < days.fromDay ? callFigures(pool, { ...query, to: days.fromDay }, grouping, withTotal) : [],
    query.to > days.toDay ? callFigures(pool, { ...query, from: days.toDay }, grouping, withTotal) : [],
  ])
  edges.catch(() => undefined) // awaited below, unless the roll-ups give way to the calls
  const whole = await rollupFigures(pool, query, days, withTotal)
  return whole ? mergeCallFigures([whole, ...(await edges)]) : callFigures(pool, query, grouping, withTotal)
}

/** The totals over all calls, when every grouping counts a call in several groups (tags): ungrouped, as one group of key null. */
function callTotals(pool: Pool, query: StatsQuery): Promise<CallFigures[]> {
  return callFigures(pool, { ...query, groupBy: 'tag' }, { key: 'null::text', join: '' }, false).then((rows) => rows.map((row) => ({ ...row, is_total: 1 })))
}

function row(sessions: SessionFigures | undefined, calls: CallFigures | undefined): StatsRow {
  const n = (value: string | number | null | undefined) => Number(value ?? 0)
  return roundRow({
    sessions: n(sessions?.sessions),
    users: n(sessions?.users),
    sessionsWithErrors: n(sessions?.sessions_with_errors),
    errors: n(sessions?.errors),
    calls: n(calls?.calls),
    failedCalls: n(calls?.failed_calls),
    inputTokens: n(calls?.input_tokens),
    outputTokens: n(calls?.output_tokens),
    cachedTokens: n(calls?.cached_tokens),
    reasoningTokens: n(calls?.reasoning_tokens),
    costUsd: n(calls?.cost_usd),
    latencyMs: sketchPercentiles(calls?.latency ?? []),
    ttftMs: sketchPercentiles(calls?.ttft ?? []),
    audioMinutes: n(sessions?.audio_ms) / 60_000,
  })
}

/**
 * GET /v1/stats in SQL, from tapedeck_sessions and tapedeck_calls (never tapedeck_events), for
 * every grouping of the query at once: per grouping the session figures (sessionFigures) and the
 * call figures (sums, and percentiles from sketches; from the daily roll-ups where they answer
 * it), all side by side. The totals are counted once, with the first grouping that counts each
 * session (call) in one group (a grouping set), else in a statement of their own.
 */
export async function postgresStats(pool: Pool, query: StatsQuery): Promise<StatsResult> {
  // The totals ride with the first grouping that puts each session (call) in one group.
  const sessionTotalsWith = query.groupBy.findIndex((groupBy) => !keyOf(groupBy, false).fansOut)
  const totalsWith = query.groupBy.findIndex((groupBy) => !keyOf(groupBy, true).fansOut)
  const sessionStatements = [...query.groupBy.keys()].map((g) => sessionFigures(pool, query, g, g === sessionTotalsWith))
  if (sessionTotalsWith === -1) sessionStatements.push(sessionFigures(pool, query, -1, false))
  const [sessionRows, callTotal, ...byCall] = await Promise.all([
    Promise.all(sessionStatements).then((rows) => rows.flat()),
    totalsWith === -1 ? callTotals(pool, query) : Promise.resolve([]),
    ...query.groupBy.map((groupBy, g) => rangeCallFigures(pool, { ...query, groupBy }, keyOf(groupBy, true), g === totalsWith)),
  ])
  const groups = query.groupBy.map((groupBy, g) => {
    const calls = new Map(byCall[g]!.filter((r) => Number(r.is_total) === 0).map((figures) => [figures.key, figures]))
    const sessions = new Map(sessionRows.filter((r) => Number(r.g) === g).map((figures) => [figures.key, figures]))
    const width = bucketMs(groupBy)
    const keys = new Set([...sessions.keys(), ...calls.keys()])
    const rows: StatsGroup[] = [...keys].map((key) => ({
      key: width === null || key === null ? key : bucketKey(Number(key), width),
      ...row(sessions.get(key), calls.get(key)),
    }))
    return width === null ? rows.sort(byCostThenKey).slice(0, query.limit) : rows.sort((a, b) => (a.key! < b.key! ? -1 : 1))
  })
  const totals = row(
    sessionRows.find((r) => Number(r.g) === -1),
    [...byCall.flat(), ...callTotal].find((r) => Number(r.is_total) === 1),
  )
  return { groups, totals }
}

import type { Pool } from 'pg'
import type { StatsGroup, StatsGroupBy, StatsRow } from '@tapedeck/core'
import { sketchBucketSql, sketchPercentiles } from '../stats/percentileSketch.js'
import { bucketKey, bucketMs, bucketSql, byCostThenKey, roundRow } from '../stats/statsFigures.js'
import { refreshCallDays } from './postgresCallDays.js'
import { sessionConditionsSql } from './postgresConditions.js'
import { postgresSnapshot, type Read } from './postgresSnapshot.js'
import { rollupDays, rollupFigures, rollupSketches, rollupsMarked, type Days, type GroupQuery } from './postgresStatsRollups.js'
import { attachSketches, mergeCallFigures, mergeSketchRows, type CallFigures, type SketchRow } from './postgresStatsRows.js'
import type { StatsQuery, StatsResult } from './SessionStore.js'

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

/**
 * The sessions' figures of grouping `g` of the query (-1: over all, one row), and with
 * `withTotal` the totals in the same scan (a grouping set; `g` -1 on their row). Distinct users by
 * a hash aggregate per (group, user) first, then per group: no sort. One statement per grouping,
 * run side by side: one statement for all four groupings of the Overview (a row per session and
 * grouping) took as long as the four added up (bench/README.md, Round 5).
 */
function sessionFigures(read: Read, query: StatsQuery, g: number, withTotal: boolean): Promise<SessionFigures[]> {
  const params: unknown[] = []
  const { key, join } = g === -1 ? { key: 'null::text', join: '' } : keyOf(query.groupBy[g]!, false)
  return read<SessionFigures>(
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
async function callFigures(read: Read, query: GroupQuery, grouping: { key: string; join: string }, withTotal: boolean, rollups: boolean): Promise<CallFigures[]> {
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
    return read<SketchRow>(
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
    const days = rollups ? rollupDays({ ...query, groupBy: 'day' }) : null
    const totals = !withTotal
      ? Promise.resolve([])
      : !days
        ? sketches({ total: true })
        : Promise.all([
            query.from < days.fromDay ? sketches({ total: true }, { from: query.from, to: days.fromDay }) : [],
            query.to > days.toDay ? sketches({ total: true }, { from: days.toDay, to: query.to }) : [],
            rollupSketches(read, query, days, null),
          ]).then(mergeSketchRows)
    totals.catch(() => undefined) // awaited below
    figures = await read<CallFigures>(sumsSql, sumParams)
    const groups = figures.filter((row) => Number(row.is_total) === 0)
    const top = groups.map((row) => ({ key: row.key, costUsd: Math.round(Number(row.cost_usd) * 1e9) / 1e9 })).sort(byCostThenKey).slice(0, query.limit).map((row) => row.key)
    sketched = await Promise.all([sketches({ keys: top }), totals])
  } else {
    // Days, hours, models, features, agents, tags: few groups, all sketched in the sums' company.
    ;[figures, ...sketched] = await Promise.all([read<CallFigures>(sumsSql, sumParams), sketches('grouped')])
  }
  attachSketches(figures, sketched)
  return figures
}

/**
 * The calls' figures of the range: with `rollups`, whole days from the roll-ups (in a snapshot
 * where none of them is marked stale) and the partial days at the edges from the calls; all from
 * the calls when the roll-ups cannot answer the query.
 */
function rangeCallFigures(read: Read, query: GroupQuery, grouping: { key: string; join: string }, withTotal: boolean, rollups: boolean): Promise<CallFigures[]> {
  const days = rollups ? rollupDays(query) : null
  if (!days) return callFigures(read, query, grouping, withTotal, rollups)
  return Promise.all([
    query.from < days.fromDay ? callFigures(read, { ...query, to: days.fromDay }, grouping, withTotal, false) : [],
    query.to > days.toDay ? callFigures(read, { ...query, from: days.toDay }, grouping, withTotal, false) : [],
    rollupFigures(read, query, days, withTotal),
  ]).then(mergeCallFigures)
}

/** The totals over all calls, when every grouping counts a call in several groups (tags): ungrouped, as one group of key null. */
function callTotals(read: Read, query: StatsQuery): Promise<CallFigures[]> {
  return callFigures(read, { ...query, groupBy: 'tag' }, { key: 'null::text', join: '' }, false, false).then((rows) => rows.map((row) => ({ ...row, is_total: 1 })))
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

/** How many times the roll-ups are refreshed and read before an answer reads the calls instead. */
const FRESH_TRIES = 3

/**
 * GET /v1/stats in SQL, from tapedeck_sessions and tapedeck_calls (never tapedeck_events), for
 * every grouping of the query at once: per grouping the session figures (sessionFigures) and the
 * call figures (sums, and percentiles from sketches; from the daily roll-ups where they answer
 * it). The totals are counted once, with the first grouping that counts each session (call) in
 * one group (a grouping set), else in a statement of their own.
 *
 * Every statement of one answer reads one snapshot (postgresSnapshot), so a call whose session's
 * start moves it between a partial edge day (read from the calls) and a whole day (from its
 * roll-up) counts once. The roll-ups of the range are refreshed first; when the snapshot still
 * sees a day of it marked (a write since the refresh), the sums may predate that write, so the
 * answer is read again after another refresh, and from the calls alone after FRESH_TRIES (writes
 * that keep marking the range).
 */
export async function postgresStats(pool: Pool, query: StatsQuery): Promise<StatsResult> {
  // The totals ride with the first grouping that puts each session (call) in one group.
  const sessionTotalsWith = query.groupBy.findIndex((groupBy) => !keyOf(groupBy, false).fansOut)
  const totalsWith = query.groupBy.findIndex((groupBy) => !keyOf(groupBy, true).fansOut)
  const days = rollupRange(query, totalsWith)
  for (let attempt = 0; ; attempt++) {
    const rollups = days !== null && attempt < FRESH_TRIES
    if (rollups) await refreshCallDays(pool, days.fromDay, days.toDay)
    const answer = await postgresSnapshot(pool, async (read) =>
      rollups && (await rollupsMarked(read, days)) ? null : statsIn(read, query, rollups, sessionTotalsWith, totalsWith),
    )
    if (answer) return answer
  }
}

/** The whole days some grouping of the query reads from the roll-ups (by user: its totals' sketch), or null when none does. */
function rollupRange(query: StatsQuery, totalsWith: number): Days | null {
  for (const [g, groupBy] of query.groupBy.entries()) {
    const days = rollupDays({ ...query, groupBy: groupBy === 'userId' && g === totalsWith ? 'day' : groupBy })
    if (days) return days
  }
  return null
}

/** The answer from the statements of one snapshot, issued together; with `rollups`, whole days from the roll-ups. */
async function statsIn(read: Read, query: StatsQuery, rollups: boolean, sessionTotalsWith: number, totalsWith: number): Promise<StatsResult> {
  const sessionStatements = [...query.groupBy.keys()].map((g) => sessionFigures(read, query, g, g === sessionTotalsWith))
  if (sessionTotalsWith === -1) sessionStatements.push(sessionFigures(read, query, -1, false))
  const [sessionRows, callTotal, ...byCall] = await Promise.all([
    Promise.all(sessionStatements).then((rows) => rows.flat()),
    totalsWith === -1 ? callTotals(read, query) : Promise.resolve([]),
    ...query.groupBy.map((groupBy, g) => rangeCallFigures(read, { ...query, groupBy }, keyOf(groupBy, true), g === totalsWith, rollups)),
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

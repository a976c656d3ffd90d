import type { Pool } from 'pg'
import type { StatsGroup, StatsGroupBy, StatsRow } from '@tapedeck/core'
import { bucketKey, bucketMs, byCostThenKey, roundRow } from '../stats/statsFigures.js'
import { sessionConditionsSql } from './postgresConditions.js'
import type { StatsQuery, StatsResult } from './SessionStore.js'

/** Sorting for percentiles and distinct users stays in memory up to this much per query. */
const WORK_MEM = '64MB'

/**
 * The group key over `s` (or, for calls, `c`) and the joins it needs, and whether a session can
 * fall in several groups (then its totals are a query of their own: a grouping set would count
 * it twice). Calls carry their session's start (started_at), so buckets of time and models need
 * no session row.
 */
function keyOf(groupBy: StatsGroupBy, calls: boolean): { key: string; join: string; fansOut: boolean } {
  const width = bucketMs(groupBy)
  if (width !== null) return { key: `(floor(${calls ? 'c.started_at' : 's.sort_at'}::float8 / ${width}) * ${width})::bigint::text`, join: '', fansOut: false }
  switch (groupBy) {
    case 'userId':
      return { key: 's.user_id', join: '', fansOut: false }
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
  key: string | null
  is_total: number
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
  latency: Array<number | null> | null
  ttft: Array<number | null> | null
}

/** One statement with room to sort in memory, in a transaction of its own. */
async function run<T extends object>(pool: Pool, sql: string, params: unknown[]): Promise<T[]> {
  const client = await pool.connect()
  try {
    await client.query('begin')
    await client.query(`set local work_mem = '${WORK_MEM}'`)
    const { rows } = await client.query<T>(sql, params)
    await client.query('commit')
    return rows
  } catch (error) {
    await client.query('rollback').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

/** Per group (and, in a grouping set, over all) the sessions' figures; `total` alone: only the totals. */
function sessionFigures(pool: Pool, query: StatsQuery, grouping: { key: string; join: string } | 'total', withTotal: boolean): Promise<SessionFigures[]> {
  const params: unknown[] = []
  const { key, join } = grouping === 'total' ? { key: 'null::text', join: '' } : grouping
  const groups = grouping === 'total' ? '' : withTotal ? `group by grouping sets ((${key}), ())` : `group by ${key}`
  return run<SessionFigures>(
    pool,
    `select ${key} as key, ${grouping !== 'total' && withTotal ? `grouping(${key})` : grouping === 'total' ? '1' : '0'} as is_total,
       count(*) as sessions, count(distinct s.user_id) as users,
       count(*) filter (where s.errors > 0) as sessions_with_errors, sum(s.errors) as errors, sum(s.audio_ms) as audio_ms
     from tapedeck_sessions s ${join}
     where ${sessionConditionsSql(query, params)}
     ${groups}`,
    params,
  )
}

/** Whether the calls' figures need their sessions' rows: a filter beyond the date range, or a key only sessions have. */
function callsNeedSessions(query: StatsQuery, key: string): boolean {
  const { from, to, groupBy, limit, ...conditions } = query
  return key.includes('s.') || Object.values(conditions).some((value) => value !== undefined)
}

function callFigures(pool: Pool, query: StatsQuery, grouping: { key: string; join: string }, withTotal: boolean): Promise<CallFigures[]> {
  const params: unknown[] = []
  const { key, join } = grouping
  // The range on the calls' own start reads them from tapedeck_calls_by_start; other filters join their sessions.
  const range = `c.started_at >= $${params.push(Math.ceil(query.from))}::bigint and c.started_at < $${params.push(Math.ceil(query.to))}::bigint`
  const sessions = callsNeedSessions(query, key + join)
    ? { join: `join tapedeck_sessions s on s.session_id = c.session_id ${join}`, where: ` and ${sessionConditionsSql(query, params)}` }
    : { join, where: '' }
  return run<CallFigures>(
    pool,
    `select ${key} as key, ${withTotal ? `grouping(${key})` : '0'} as is_total, count(*) as calls, count(*) filter (where c.failed) as failed_calls,
       sum(c.input_tokens) as input_tokens, sum(c.output_tokens) as output_tokens,
       sum(c.cached_tokens) as cached_tokens, sum(c.reasoning_tokens) as reasoning_tokens, sum(c.cost_usd) as cost_usd,
       percentile_cont(array[0.5, 0.95]) within group (order by c.latency_ms) filter (where not c.failed) as latency,
       percentile_cont(array[0.5, 0.95]) within group (order by c.ttft_ms) filter (where not c.failed) as ttft
     from tapedeck_calls c ${sessions.join}
     where c.finished and ${range}${sessions.where}
     ${withTotal ? `group by grouping sets ((${key}), ())` : `group by ${key}`}`,
    params,
  )
}

/** The totals over all calls, for groupings that count a call in several groups (tags). */
function callTotals(pool: Pool, query: StatsQuery): Promise<CallFigures[]> {
  return callFigures(pool, query, { key: 'null::text', join: '' }, false).then((rows) => rows.map((row) => ({ ...row, is_total: 1 })))
}

function row(sessions: SessionFigures | undefined, calls: CallFigures | undefined): StatsRow {
  const n = (value: string | number | null | undefined) => Number(value ?? 0)
  const pair = (values: Array<number | null> | null | undefined) => ({ p50: values?.[0] ?? null, p95: values?.[1] ?? null })
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
    latencyMs: pair(calls?.latency),
    ttftMs: pair(calls?.ttft),
    audioMinutes: n(sessions?.audio_ms) / 60_000,
  })
}

/**
 * GET /v1/stats in SQL, from tapedeck_sessions and tapedeck_calls (never tapedeck_events): per
 * group the session figures and the call figures (percentile_cont), the totals in the same
 * scan (a grouping set) unless a session or call falls in several groups.
 */
export async function postgresStats(pool: Pool, query: StatsQuery): Promise<StatsResult> {
  const sessionKey = keyOf(query.groupBy, false)
  const callKey = keyOf(query.groupBy, true)
  const [bySession, byCall, sessionTotal, callTotal] = await Promise.all([
    sessionFigures(pool, query, sessionKey, !sessionKey.fansOut),
    callFigures(pool, query, callKey, !callKey.fansOut),
    sessionKey.fansOut ? sessionFigures(pool, query, 'total', false) : Promise.resolve([]),
    callKey.fansOut ? callTotals(pool, query) : Promise.resolve([]),
  ])
  const sessionRows = [...bySession, ...sessionTotal]
  const callRows = [...byCall, ...callTotal]
  const calls = new Map(callRows.filter((r) => Number(r.is_total) === 0).map((figures) => [figures.key, figures]))
  const sessions = new Map(sessionRows.filter((r) => Number(r.is_total) === 0).map((figures) => [figures.key, figures]))
  const width = bucketMs(query.groupBy)
  const keys = new Set([...sessions.keys(), ...calls.keys()])
  let groups: StatsGroup[] = [...keys].map((key) => ({
    key: width === null || key === null ? key : bucketKey(Number(key), width),
    ...row(sessions.get(key), calls.get(key)),
  }))
  if (width === null) groups = groups.sort(byCostThenKey).slice(0, query.limit)
  else groups.sort((a, b) => (a.key! < b.key! ? -1 : 1))
  const totals = row(
    sessionRows.find((r) => Number(r.is_total) === 1),
    callRows.find((r) => Number(r.is_total) === 1),
  )
  return { groups, totals }
}

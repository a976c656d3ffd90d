import type { Pool } from 'pg'
import type { StatsGroup, StatsGroupBy, StatsRow } from '@tapedeck/core'
import { bucketKey, bucketMs, byCostThenKey, roundRow } from '../stats/statsFigures.js'
import { sessionConditionsSql } from './postgresConditions.js'
import type { StatsQuery, StatsResult } from './SessionStore.js'

type Grouping = StatsGroupBy | 'total'

/** The group key over `s` (and `t`, `cm`), and the joins it needs. */
function keyOf(groupBy: Grouping, calls: boolean): { key: string; join: string } {
  const width = groupBy === 'total' ? null : bucketMs(groupBy)
  if (width !== null) return { key: `(floor(s.sort_at::float8 / ${width}) * ${width})::bigint::text`, join: '' }
  switch (groupBy) {
    case 'total':
      return { key: 'null::text', join: '' }
    case 'userId':
      return { key: 's.user_id', join: '' }
    case 'feature':
      return { key: 's.feature', join: '' }
    case 'agentId':
      return { key: 's.agent_id', join: '' }
    case 'tag':
      return { key: 't.tag', join: 'left join lateral unnest(s.tags) as t(tag) on true' }
    default:
      // model: the calls' own model; sessions through the models their finished calls have.
      return calls
        ? { key: 'c.model', join: '' }
        : { key: 'cm.model', join: 'join (select distinct session_id, model from tapedeck_calls where finished) cm on cm.session_id = s.session_id' }
  }
}

interface SessionFigures {
  key: string | null
  sessions: string
  users: string
  sessions_with_errors: string
  errors: string | null
  audio_ms: number | null
}

interface CallFigures {
  key: string | null
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

async function sessionFigures(pool: Pool, query: StatsQuery, groupBy: Grouping): Promise<SessionFigures[]> {
  const params: unknown[] = []
  const { key, join } = keyOf(groupBy, false)
  const { rows } = await pool.query<SessionFigures>(
    `select ${key} as key, count(*) as sessions, count(distinct s.user_id) as users,
       count(*) filter (where s.errors > 0) as sessions_with_errors, sum(s.errors) as errors, sum(s.audio_ms) as audio_ms
     from tapedeck_sessions s ${join}
     where ${sessionConditionsSql(query, params)}
     group by 1`,
    params,
  )
  return rows
}

async function callFigures(pool: Pool, query: StatsQuery, groupBy: Grouping): Promise<CallFigures[]> {
  const params: unknown[] = []
  const { key, join } = keyOf(groupBy, true)
  const { rows } = await pool.query<CallFigures>(
    `select ${key} as key, count(*) as calls, count(*) filter (where c.failed) as failed_calls,
       sum(c.input_tokens) as input_tokens, sum(c.output_tokens) as output_tokens,
       sum(c.cached_tokens) as cached_tokens, sum(c.reasoning_tokens) as reasoning_tokens, sum(c.cost_usd) as cost_usd,
       percentile_cont(array[0.5, 0.95]) within group (order by c.latency_ms) filter (where not c.failed) as latency,
       percentile_cont(array[0.5, 0.95]) within group (order by c.ttft_ms) filter (where not c.failed) as ttft
     from tapedeck_calls c join tapedeck_sessions s on s.session_id = c.session_id ${join}
     where c.finished and ${sessionConditionsSql(query, params)}
     group by 1`,
    params,
  )
  return rows
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

/** GET /v1/stats in SQL: per group, session figures and call figures (percentile_cont), then totals. */
export async function postgresStats(pool: Pool, query: StatsQuery): Promise<StatsResult> {
  const [bySession, byCall, totalSessions, totalCalls] = await Promise.all([
    sessionFigures(pool, query, query.groupBy),
    callFigures(pool, query, query.groupBy),
    sessionFigures(pool, query, 'total'),
    callFigures(pool, query, 'total'),
  ])
  const calls = new Map(byCall.map((figures) => [figures.key, figures]))
  const width = bucketMs(query.groupBy)
  let groups: StatsGroup[] = bySession.map((figures) => ({
    key: width === null || figures.key === null ? figures.key : bucketKey(Number(figures.key), width),
    ...row(figures, calls.get(figures.key)),
  }))
  if (width === null) groups = groups.sort(byCostThenKey).slice(0, query.limit)
  else groups.sort((a, b) => (a.key! < b.key! ? -1 : 1))
  return { groups, totals: row(totalSessions[0], totalCalls[0]) }
}

import type { Pool } from 'pg'
import type { CheckStatsGroup } from '@tapedeck/core'
import { VALIDATION_PREFIX } from '@tapedeck/player'
import { checkRate, sortedGroups, sortedRates } from '../stats/checkStats.js'
import { bucketSql } from '../stats/statsFigures.js'
import { sessionConditionsSql } from './postgresConditions.js'
import type { CheckStatsQuery, CheckStatsResult } from './SessionStore.js'

const DAY = 86_400_000

/**
 * A verdict's check name and outcome from a comment `validation.result {json}`, or nulls when the
 * JSON is damaged or has no string `name` and boolean `passed` (the player's fromValidationReview,
 * in SQL). Created by the Studio migration.
 */
export const VERDICT_FUNCTION = `
create or replace function tapedeck_verdict(body text, out name text, out passed boolean)
language plpgsql immutable parallel safe as $$
declare
  value json;
begin
  value := substr(body, ${VALIDATION_PREFIX.length + 1})::json;
  if json_typeof(value) = 'object' and json_typeof(value -> 'name') = 'string' and json_typeof(value -> 'passed') = 'boolean' then
    name := value ->> 'name';
    passed := (value ->> 'passed')::boolean;
  end if;
exception when others then
  name := null;
  passed := null;
end $$;`

/** The group keys of one session, over `x` (the matching sessions): one row each (model and tag fan out). */
function keysOf(groupBy: CheckStatsQuery['groupBy']): { key: string; join: string } {
  switch (groupBy) {
    case 'day':
      return { key: `${bucketSql('x.sort_at', DAY)}::text`, join: '' }
    case 'agentId':
      return { key: 'x.agent_id', join: '' }
    case 'model':
      return { key: 'k.key', join: `cross join lateral unnest(case when cardinality(x.models) = 0 then array[null::text] else x.models end) as k(key)` }
    case 'tag':
      return { key: 'k.key', join: `cross join lateral (select distinct t from unnest(case when cardinality(x.tags) = 0 then array[null::text] else x.tags end) as t) as k(key)` }
    default:
      return { key: 'l.name', join: '' }
  }
}

/**
 * GET /v1/stats/checks in SQL: the matching sessions with annotations, each one's latest verdict
 * per check (the annotation added last), counted per group and over all in one statement — no
 * annotation is read into Node, and there is no cap on the sessions counted.
 */
export async function postgresCheckStats(pool: Pool, query: CheckStatsQuery): Promise<CheckStatsResult> {
  const params: unknown[] = []
  const where = sessionConditionsSql({ ...query, reviewed: true }, params)
  const prefix = `$${params.push(VALIDATION_PREFIX)}`
  const { key, join } = keysOf(query.groupBy)
  const { rows } = await pool.query<{ kind: 'group' | 'total' | 'sessions'; key: string | null; name: string | null; runs: string; passed: string }>(
    `with x as materialized (
       select s.session_id, s.sort_at, s.models, s.tags, s.agent_id from tapedeck_sessions s where ${where}
     ), l as materialized (
       select distinct on (a.session_id, v.name) a.session_id, v.name, v.passed
       from tapedeck_annotations a join x on x.session_id = a.session_id cross join lateral tapedeck_verdict(a.text) as v
       where a.kind = 'comment' and left(a.text, ${VALIDATION_PREFIX.length}) = ${prefix} and v.name <> '' and v.passed is not null
       order by a.session_id, v.name, a.added desc
     )
     select 'group' as kind, ${key} as key, l.name, count(*) as runs, count(*) filter (where l.passed) as passed
       from l join x on x.session_id = l.session_id ${join} group by ${key}, l.name
     union all
     select 'total', null, l.name, count(*), count(*) filter (where l.passed) from l group by l.name
     union all
     select 'sessions', null, null, count(*), 0 from x`,
    params,
  )
  const groups = new Map<string | null, CheckStatsGroup>()
  const width = query.groupBy === 'day' ? DAY : null
  for (const row of rows.filter((r) => r.kind === 'group')) {
    const groupKey = width === null || row.key === null ? row.key : new Date(Number(row.key)).toISOString()
    const group = groups.get(groupKey) ?? { key: groupKey, checks: [] }
    groups.set(groupKey, group)
    group.checks.push(checkRate(row.name!, Number(row.runs), Number(row.passed)))
  }
  return {
    groups: sortedGroups([...groups.values()]),
    totals: sortedRates(rows.filter((r) => r.kind === 'total').map((row) => checkRate(row.name!, Number(row.runs), Number(row.passed)))),
    sessions: Number(rows.find((r) => r.kind === 'sessions')?.runs ?? 0),
  }
}

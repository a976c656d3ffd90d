import type { CheckStatsGroupBy, CheckStatsResponse, StatsGroupBy, StatsManyResponse, StatsResponse } from '@tapedeck/core'
import { ServerError } from '../ServerError.js'
import { TIME_BOUND, withinTimeBound } from '../timeBound.js'
import { bucketMs } from '../stats/statsFigures.js'
import type { RequestContext } from './requestContext.js'
import { json } from './responses.js'
import { parseSessionQuery } from './sessionQuery.js'

const GROUPINGS: readonly StatsGroupBy[] = ['day', 'hour', 'model', 'userId', 'feature', 'agentId', 'tag']
const DEFAULT_RANGE = 30 * 86_400_000
const MAX_BUCKETS = 2000
const DEFAULT_GROUPS = 100
const MAX_GROUPS = 1000

/**
 * GET /v1/stats?from=&to=&groupBy=&limit= and the filters (docs/server.md, "GET /v1/stats"). A
 * list of groupings (`groupBy=day,model`) is answered in one pass, one result per grouping.
 */
export async function getStats({ url, store, now, note }: RequestContext): Promise<Response> {
  const params = new URLSearchParams(url.searchParams)
  const groupByText = params.get('groupBy') ?? 'day'
  const groupings = groupByText.split(',') as StatsGroupBy[]
  for (const groupBy of groupings) if (!GROUPINGS.includes(groupBy)) throw invalid(`groupBy must be one of ${GROUPINGS.join(', ')}, or several of them separated by commas.`)
  if (new Set(groupings).size !== groupings.length) throw invalid('groupBy names a grouping twice.')
  const limitText = params.get('limit')
  const limit = limitText === null ? DEFAULT_GROUPS : Number(limitText)
  if (!/^\d+$/.test(limitText ?? '1') || limit < 1 || limit > MAX_GROUPS) throw invalid(`limit must be an integer from 1 to ${MAX_GROUPS}.`)
  const { conditions, from, to } = statsRange(params, now)
  for (const groupBy of groupings) {
    const width = bucketMs(groupBy)
    if (width !== null && (to - from) / width > MAX_BUCKETS) throw invalid(`A range of more than ${MAX_BUCKETS} ${groupBy}s: narrow from and to, or group by day.`)
  }
  const { groups, totals } = await store.sessionStats({ ...conditions, from, to, groupBy: groupings, limit })
  note(`groups=${groups.map((list) => list.length).join(',')}`)
  const results: StatsResponse[] = groupings.map((groupBy, i) => ({ from, to, groupBy, groups: groups[i]!, totals }))
  // One grouping: the answer itself; several: each grouping's answer, in the order asked.
  const body: StatsResponse | StatsManyResponse = groupByText.includes(',') ? { from, to, results } : results[0]!
  return json(200, body)
}

const CHECK_GROUPINGS: readonly CheckStatsGroupBy[] = ['day', 'model', 'agentId', 'tag', 'check']

/** GET /v1/stats/checks?from=&to=&groupBy= and the filters: pass rates per check (docs/evaluations.md, "Pass rates on a server"). */
export async function getCheckStats({ url, store, now, note }: RequestContext): Promise<Response> {
  const params = new URLSearchParams(url.searchParams)
  const groupBy = (params.get('groupBy') ?? 'day') as CheckStatsGroupBy
  if (!CHECK_GROUPINGS.includes(groupBy)) throw invalid(`groupBy must be one of ${CHECK_GROUPINGS.join(', ')}.`)
  const { conditions, from, to } = statsRange(params, now)
  if (groupBy === 'day' && (to - from) / bucketMs('day')! > MAX_BUCKETS) throw invalid(`A range of more than ${MAX_BUCKETS} days: narrow from and to.`)
  const result = await store.checkStats({ ...conditions, from, to, groupBy })
  note(`groups=${result.groups.length} sessions=${result.sessions}`)
  const body: CheckStatsResponse = { from, to, groupBy, ...result }
  return json(200, body)
}

/**
 * The filters both stats routes take, parsed the list's one way (userId, feature, status, from, to
 * and the Studio filters), and the range they cover: by default the last 30 days.
 */
function statsRange(params: URLSearchParams, now: () => number) {
  for (const name of ['groupBy', 'limit', 'cursor', 'sort', 'order']) params.delete(name)
  const { limit: _limit, sort: _sort, order: _order, after: _after, ...conditions } = parseSessionQuery(params)
  const to = conditions.to ?? now()
  const from = conditions.from ?? to - DEFAULT_RANGE
  // from and to as given are within the bound (parseSessionQuery); from by default, 30 days before to, may not be.
  if (!withinTimeBound(from) || !withinTimeBound(to)) throw invalid(`from (by default 30 days before to) and to must be within ${TIME_BOUND}.`)
  if (from >= to) throw invalid('from must be before to.')
  return { conditions, from, to }
}

function invalid(message: string): ServerError {
  return new ServerError('invalid_query', message)
}

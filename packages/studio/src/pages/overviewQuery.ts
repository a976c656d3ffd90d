import type { StatsGroupBy } from '../api/types'
import { dayRange } from '../dates/dayRange'

const DAY = 24 * 60 * 60 * 1000
const FILTERS = ['userId', 'feature', 'model', 'agentId', 'tag', 'hasErrors', 'hasAudio'] as const

/**
 * From and to of a range (`7d`) ending now, rounded to the minute so the queries stay cached; or,
 * for `custom`, of the whole days picked (`from`, `to`: `YYYY-MM-DD`, both included).
 */
export function rangeOf(range: string, now = Date.now(), params?: URLSearchParams): { from: number; to: number } {
  const to = Math.ceil(now / 60_000) * 60_000
  if (range === 'custom') {
    const days = dayRange(params?.get('from'), params?.get('to'))
    return { from: days.from ?? to - 7 * DAY, to: days.to ?? to }
  }
  const days = Number(/^(\d+)d$/.exec(range)?.[1] ?? 7)
  return { from: to - days * DAY, to }
}

/**
 * What the Overview asks GET /v1/stats for, from its URL's parameters: the range, the filters and
 * its four groupings (by hour for a day or less, else by day; model, user, feature), in one
 * request. The page's query and the request started before its code loads (startOverviewStats)
 * both come from here, so they ask for the same URL.
 */
export function overviewQuery(params: URLSearchParams, now = Date.now()) {
  const range = params.get('range') ?? '7d'
  const { from, to } = rangeOf(range, now, params)
  const filters: Record<string, string> = Object.fromEntries(FILTERS.flatMap((name) => (params.get(name) ? [[name, params.get(name)!]] : [])))
  const groupings: StatsGroupBy[] = [to - from <= DAY ? 'hour' : 'day', 'model', 'userId', 'feature']
  return { range, from, to, filters, groupings, stats: { groupBy: groupings, from: String(from), to: String(to), ...filters } }
}

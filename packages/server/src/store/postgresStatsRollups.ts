import type { StatsGroupBy } from '@tapedeck/core'
import type { Read } from './postgresSnapshot.js'
import { attachSketches, type CallFigures, type SketchRow } from './postgresStatsRows.js'
import type { StatsQuery } from './SessionStore.js'

/** The statistics of one grouping of a query. */
export type GroupQuery = Omit<StatsQuery, 'groupBy'> & { groupBy: StatsGroupBy }

/** Whole UTC days [fromDay, toDay), epoch ms. */
export interface Days {
  fromDay: number
  toDay: number
}

const DAY = 86_400_000

/** The roll-up column a grouping reads, when the daily roll-ups can answer it (postgresCallDays). */
const ROLLUP_KEYS: Partial<Record<StatsGroupBy, string>> = { day: 'r.day', model: 'r.model', feature: 'r.feature' }

/**
 * The whole UTC days of the query's range that the roll-ups answer, or null: they hold calls per
 * (day, model, feature), so they answer groupings by day, model and feature over all sessions,
 * and by day and feature over one feature, and only for whole days (the range's partial days
 * are read from the calls).
 */
export function rollupDays(query: GroupQuery): Days | null {
  const { from, to, groupBy, limit, feature, ...conditions } = query
  if (!ROLLUP_KEYS[groupBy] || Object.values(conditions).some((value) => value !== undefined)) return null
  if (feature !== undefined && groupBy === 'model') return null
  const fromDay = Math.ceil(from / DAY) * DAY
  const toDay = Math.floor(to / DAY) * DAY
  return toDay > fromDay ? { fromDay, toDay } : null
}

/**
 * Whether a day of `days` is marked stale in the snapshot `read` reads: then its roll-up may
 * predate a change to its calls, and the roll-ups cannot answer in this snapshot.
 */
export async function rollupsMarked(read: Read, days: Days): Promise<boolean> {
  const [row] = await read<{ marked: boolean }>('select exists (select from tapedeck_stale_days m where m.day >= $1 and m.day < $2) as marked', [days.fromDay, days.toDay])
  return row!.marked
}

/**
 * The sketch rows of whole days from the roll-ups: per group of `groupBy` (null: only the
 * totals) and, `withTotal`, over all, for all sessions or the query's one feature.
 */
export function rollupSketches(read: Read, query: GroupQuery, days: Days, groupBy: 'day' | 'model' | 'feature' | null, withTotal = true): Promise<SketchRow[]> {
  const params: unknown[] = [days.fromDay, days.toDay]
  // Over one feature, its 'feature' rows are every call of it; else the 'all' rows.
  const scope = query.feature !== undefined ? `r.dim = 'feature' and r.key = $${params.push(query.feature)}` : `r.dim = 'all'`
  const range = 'r.day >= $1 and r.day < $2'
  const totals = `select null::text as key, 1 as is_total, r.metric, r.bucket, sum(r.count) as count, min(r.low) as low, max(r.high) as high
    from tapedeck_call_day_sketches r where ${scope} and ${range} group by r.metric, r.bucket`
  if (groupBy === null) return read<SketchRow>(totals, params)
  if (groupBy === 'day') {
    // One (dim, key) has one row per (day, metric, bucket) (rebuildCallDays): its rows are the day's sketch as they are.
    return read<SketchRow>(
      `select r.day::text as key, 0 as is_total, r.metric, r.bucket, r.count, r.low, r.high
       from tapedeck_call_day_sketches r where ${scope} and ${range}
       ${withTotal ? `union all ${totals}` : ''}`,
      params,
    )
  }
  // By model or feature: their own rows (over one feature, that feature's rows are the group).
  const grouped = query.feature !== undefined ? scope : `r.dim = '${groupBy}'`
  return read<SketchRow>(
    `select r.key, 0 as is_total, r.metric, r.bucket, sum(r.count) as count, min(r.low) as low, max(r.high) as high
     from tapedeck_call_day_sketches r where ${grouped} and ${range} group by r.key, r.metric, r.bucket
     ${withTotal ? `union all ${totals}` : ''}`,
    params,
  )
}

/** The calls' figures of whole days from the roll-ups, per group and (`withTotal`) over all, in callFigures' shape. */
export async function rollupFigures(read: Read, query: GroupQuery, days: Days, withTotal: boolean): Promise<CallFigures[]> {
  const column = ROLLUP_KEYS[query.groupBy]!
  const params: unknown[] = [days.fromDay, days.toDay]
  const where = `r.day >= $1 and r.day < $2${query.feature !== undefined ? ` and r.feature = $${params.push(query.feature)}` : ''}`
  const [figures, sketched] = await Promise.all([
    read<CallFigures>(
      `select ${column}::text as key, ${withTotal ? `grouping(${column})` : '0'} as is_total, sum(r.calls) as calls, sum(r.failed_calls) as failed_calls,
         sum(r.input_tokens) as input_tokens, sum(r.output_tokens) as output_tokens, sum(r.cached_tokens) as cached_tokens,
         sum(r.reasoning_tokens) as reasoning_tokens, sum(r.cost_usd) as cost_usd
       from tapedeck_call_days r where ${where} group by ${withTotal ? `grouping sets ((${column}), ())` : column}`,
      params,
    ),
    rollupSketches(read, query, days, query.groupBy as 'day' | 'model' | 'feature', withTotal),
  ])
  attachSketches(figures, [sketched])
  return figures
}

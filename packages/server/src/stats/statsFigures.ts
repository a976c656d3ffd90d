import type { StatsGroupBy, StatsRow } from '@tapedeck/core'

const DAY = 86_400_000
const HOUR = 3_600_000

/** The width of a time bucket, or null for groupings by value. */
export function bucketMs(groupBy: StatsGroupBy): number | null {
  return groupBy === 'day' ? DAY : groupBy === 'hour' ? HOUR : null
}

/** A time bucket's start (epoch ms, bigint) in SQL, of a column of epoch ms: bucketKey's bucket, computed by PostgreSQL. */
export function bucketSql(column: string, width: number): string {
  return `(floor(${column}::float8 / ${width}) * ${width})::bigint`
}

/** A time bucket's key: its start in UTC as an ISO date-time. */
export function bucketKey(at: number, width: number): string {
  return new Date(Math.floor(at / width) * width).toISOString()
}

/**
 * Rounds what sums and interpolation leave (0.1 + 0.2), so every store answers the same
 * figures whatever order it added them in: dollars to the nanodollar, the rest to 1e-6.
 */
export function roundRow(row: StatsRow): StatsRow {
  const round = (value: number | null, scale = 1e6) => (value === null ? null : Math.round(value * scale) / scale)
  return {
    ...row,
    costUsd: round(row.costUsd, 1e9)!,
    audioMinutes: round(row.audioMinutes)!,
    inputTokens: round(row.inputTokens)!,
    outputTokens: round(row.outputTokens)!,
    cachedTokens: round(row.cachedTokens)!,
    reasoningTokens: round(row.reasoningTokens)!,
    latencyMs: { p50: round(row.latencyMs.p50), p95: round(row.latencyMs.p95) },
    ttftMs: { p50: round(row.ttftMs.p50), p95: round(row.ttftMs.p95) },
  }
}

/** Groups other than time buckets: most expensive first, then by key (null last). */
export function byCostThenKey(a: { key: string | null; costUsd: number }, b: { key: string | null; costUsd: number }): number {
  if (a.costUsd !== b.costUsd) return b.costUsd - a.costUsd
  if (a.key === b.key) return 0
  if (a.key === null) return 1
  if (b.key === null) return -1
  return a.key < b.key ? -1 : 1
}

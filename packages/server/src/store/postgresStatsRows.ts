import { mergeSketches, type SketchBucket } from '../stats/percentileSketch.js'

/** The calls' figures of one group (`is_total` 0) or over all (1), as the statistics' statements answer them. */
export interface CallFigures {
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

/** One sketch bucket of one group's latency or TTFT. */
export interface SketchRow {
  key: string | null
  is_total: number
  metric: 'latency' | 'ttft'
  bucket: number
  count: string
  low: number
  high: number
}

/** Sketch rows of parts of one range, one row per (group, metric, bucket): counts add, lows and highs bound. */
export function mergeSketchRows(parts: SketchRow[][]): SketchRow[] {
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
export function attachSketches(figures: CallFigures[], sketched: SketchRow[][]): void {
  const byGroup = new Map(figures.map((row) => [`${Number(row.is_total)}:${row.key}`, row]))
  for (const row of sketched.flat()) {
    const figure = byGroup.get(`${Number(row.is_total)}:${row.key}`)
    if (!figure) continue
    ;(figure[row.metric] ??= []).push({ bucket: row.bucket, count: Number(row.count), low: row.low, high: row.high })
  }
}

/** Call figures of parts of one range (roll-ups and partial days), merged per group: sums add, sketch buckets merge exactly. */
export function mergeCallFigures(parts: CallFigures[][]): CallFigures[] {
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

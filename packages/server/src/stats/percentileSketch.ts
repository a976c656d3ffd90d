/**
 * Percentiles from a log-bucket histogram (a DDSketch-style sketch), the same on every store:
 * a value v > 0 falls in bucket ceil(ln v / ln γ), so the values of one bucket are within a
 * factor γ of each other; each bucket keeps its count and its lowest and highest value. A
 * percentile is percentile_cont's (linear interpolation between the two nearest ranks) over
 * values each estimated by rank inside its bucket, between the bucket's lowest and highest:
 * within 1 % of the exact figure, and exact while no bucket holds more than two values.
 * PostgreSQL builds the buckets in SQL (a hash aggregate; postgresStats), the other stores in
 * memory (scanStats): no store sorts every call.
 */

/** γ for a relative accuracy of 0.5 %: (1 + 0.005) / (1 - 0.005). */
export const SKETCH_GAMMA = 1.005 / 0.995
/** ln γ, the divisor of a value's log in SQL and here. */
export const SKETCH_LN_GAMMA = Math.log(SKETCH_GAMMA)
/** The bucket of every value ≤ 0. */
export const SKETCH_NON_POSITIVE = -1_000_000

export interface SketchBucket {
  bucket: number
  count: number
  low: number
  high: number
}

/** A value's bucket. */
export function sketchBucket(value: number): number {
  return value > 0 ? Math.ceil(Math.log(value) / SKETCH_LN_GAMMA) : SKETCH_NON_POSITIVE
}

/** The SQL of a value's bucket, for a column or expression `value`. */
export function sketchBucketSql(value: string): string {
  return `(case when ${value} > 0 then ceil(ln(${value}) / ${SKETCH_LN_GAMMA}::float8)::int else ${SKETCH_NON_POSITIVE} end)`
}

/** The sketch of values (nulls left out). */
export function sketchOf(values: Iterable<number | null>): SketchBucket[] {
  const buckets = new Map<number, SketchBucket>()
  for (const value of values) {
    if (value === null) continue
    const index = sketchBucket(value)
    const bucket = buckets.get(index)
    if (!bucket) buckets.set(index, { bucket: index, count: 1, low: value, high: value })
    else {
      bucket.count++
      if (value < bucket.low) bucket.low = value
      if (value > bucket.high) bucket.high = value
    }
  }
  return [...buckets.values()]
}

/**
 * Sketches of parts of the same values merged into the sketch of them all: counts add, lows and
 * highs bound — exactly the sketch `sketchOf` gives of every value (daily roll-ups rely on it).
 */
export function mergeSketches(...parts: ReadonlyArray<readonly SketchBucket[]>): SketchBucket[] {
  const merged = new Map<number, SketchBucket>()
  for (const bucket of parts.flat()) {
    const known = merged.get(bucket.bucket)
    merged.set(
      bucket.bucket,
      known ? { bucket: bucket.bucket, count: known.count + bucket.count, low: Math.min(known.low, bucket.low), high: Math.max(known.high, bucket.high) } : { ...bucket },
    )
  }
  return [...merged.values()]
}

/** The p50 and p95 of a sketch (its buckets in any order); nulls without values. */
export function sketchPercentiles(buckets: readonly SketchBucket[]): { p50: number | null; p95: number | null } {
  const sorted = [...buckets].sort((a, b) => a.bucket - b.bucket)
  const total = sorted.reduce((sum, b) => sum + b.count, 0)
  if (total === 0) return { p50: null, p95: null }
  /** The value of rank `rank` (0-based): by its rank inside its bucket, between the bucket's lowest and highest. */
  const valueAt = (rank: number): number => {
    let before = 0
    for (const b of sorted) {
      if (rank < before + b.count) return b.count === 1 ? b.low : b.low + ((b.high - b.low) * (rank - before)) / (b.count - 1)
      before += b.count
    }
    return sorted.at(-1)!.high
  }
  const at = (fraction: number) => {
    const position = fraction * (total - 1)
    const below = Math.floor(position)
    const low = valueAt(below)
    return low + (valueAt(Math.ceil(position)) - low) * (position - below)
  }
  return { p50: at(0.5), p95: at(0.95) }
}

import { describe, expect, it } from 'vitest'
import { mergeSketches, sketchOf, sketchPercentiles } from './percentileSketch.js'
import { seeded } from '../../../core/test/seeded.mjs'

/** percentile_cont over sorted values: the exact figure the sketch estimates. */
function exact(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const position = fraction * (sorted.length - 1)
  const below = Math.floor(position)
  return sorted[below]! + (sorted[Math.ceil(position)]! - sorted[below]!) * (position - below)
}

describe('percentile sketch', () => {
  it('is exact while no bucket holds more than two values, and null without values', () => {
    expect(sketchPercentiles(sketchOf([1000, 3000]))).toEqual({ p50: 2000, p95: 2900 })
    expect(sketchPercentiles(sketchOf([400, 3000, 1000]))).toEqual({ p50: 1000, p95: 2800 })
    expect(sketchPercentiles(sketchOf([0, 0, 7]))).toEqual({ p50: 0, p95: exact([0, 0, 7], 0.95) })
    expect(sketchPercentiles(sketchOf([null]))).toEqual({ p50: null, p95: null })
  })

  it('is within 1 % of percentile_cont over 100,000 values, merged from parts in any order', () => {
    const random = seeded(7)
    for (const draw of [() => 200 + random() * 3000, () => Math.exp(random() * 12), () => Math.round(50 + random() ** 4 * 5000)]) {
      const values = Array.from({ length: 100_000 }, draw)
      // Buckets of parts (days, models) merged as PostgreSQL's grouping does: counts add, lows and highs bound.
      const parts = [values.slice(0, 30_000), values.slice(30_000)].map((part) => sketchOf(part))
      const merged = mergeSketches(...parts)
      // The very sketch of all the values: what daily roll-ups merge answers what the calls would.
      const byBucket = (a: { bucket: number }, b: { bucket: number }) => a.bucket - b.bucket
      expect([...merged].sort(byBucket)).toEqual(sketchOf(values).sort(byBucket))
      const { p50, p95 } = sketchPercentiles([...merged].reverse())
      expect(Math.abs(p50! / exact(values, 0.5) - 1)).toBeLessThan(0.01)
      expect(Math.abs(p95! / exact(values, 0.95) - 1)).toBeLessThan(0.01)
    }
  })
})

/** Nearest-rank percentiles (the value at rank ⌈p·n⌉ of the sorted samples): every figure is a measured one. */
export interface Distribution {
  count: number
  p50: number | null
  p95: number | null
  mean: number | null
  max: number | null
}

export function distribution(samples: number[]): Distribution {
  const count = samples.length
  if (count === 0) return { count, p50: null, p95: null, mean: null, max: null }
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * count) - 1)]!
  const mean = sorted.reduce((sum, value) => sum + value, 0) / count
  return { count, p50: rank(0.5), p95: rank(0.95), mean, max: sorted[count - 1]! }
}

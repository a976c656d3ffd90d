/** PostgreSQL's percentile_cont over sorted values: linear interpolation between the two nearest ranks; null without values. */
export function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null
  const position = fraction * (sorted.length - 1)
  const below = Math.floor(position)
  const above = Math.ceil(position)
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below)
}

/** The index of the first value greater than `value` in an ascending list (binary search). */
export function upperBound(sorted: ArrayLike<number>, value: number): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (sorted[mid]! <= value) low = mid + 1
    else high = mid
  }
  return low
}

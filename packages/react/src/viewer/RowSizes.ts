/**
 * Heights of a list's rows and their offsets (prefix sums), for windowing. Rows count as
 * `estimate` until measured. Offsets are computed lazily from the lowest changed row on, so
 * measuring rows near the end of a long list costs little; `indexAt` is a binary search.
 */
export class RowSizes {
  #sizes: Float64Array
  /** offsets[i] = sum of sizes[0..i-1]; valid for i <= validUpTo. */
  #offsets: Float64Array
  #validUpTo = 0
  #length = 0
  readonly #estimate: number

  constructor(estimate: number) {
    this.#estimate = estimate
    this.#sizes = new Float64Array(64).fill(estimate)
    this.#offsets = new Float64Array(65)
  }

  get count(): number {
    return this.#length
  }

  /** The list has `count` rows now. Rows it had before keep their heights. */
  resize(count: number): void {
    if (count === this.#length) return
    if (count > this.#sizes.length) {
      let capacity = this.#sizes.length
      while (capacity < count) capacity *= 2
      const sizes = new Float64Array(capacity).fill(this.#estimate)
      sizes.set(this.#sizes)
      const offsets = new Float64Array(capacity + 1)
      offsets.set(this.#offsets.subarray(0, this.#validUpTo + 1))
      this.#sizes = sizes
      this.#offsets = offsets
    }
    this.#validUpTo = Math.min(this.#validUpTo, this.#length, count)
    this.#length = count
  }

  get(index: number): number {
    return this.#sizes[index] ?? this.#estimate
  }

  /** Sets a measured height; returns how much it changed (0: nothing to redo). */
  set(index: number, height: number): number {
    if (index < 0 || index >= this.#length || !Number.isFinite(height)) return 0
    const delta = height - this.#sizes[index]!
    if (delta === 0) return 0
    this.#sizes[index] = height
    if (index < this.#validUpTo) this.#validUpTo = index
    return delta
  }

  /** Distance from the top of the list to the top of row `index` (`index === count`: the total height). */
  offset(index: number): number {
    const target = Math.max(0, Math.min(index, this.#length))
    const sizes = this.#sizes
    const offsets = this.#offsets
    for (let i = this.#validUpTo; i < target; i++) offsets[i + 1] = offsets[i]! + sizes[i]!
    if (target > this.#validUpTo) this.#validUpTo = target
    return offsets[target]!
  }

  /** The row at distance `y` from the top (clamped to the rows there are; 0 for an empty list). */
  indexAt(y: number): number {
    if (this.#length === 0) return 0
    this.offset(this.#length)
    let low = 0
    let high = this.#length - 1
    while (low < high) {
      const mid = (low + high + 1) >>> 1
      if (this.#offsets[mid]! <= y) low = mid
      else high = mid - 1
    }
    return low
  }
}

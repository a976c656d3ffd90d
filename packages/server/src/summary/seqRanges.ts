import type { SeqRange } from '@tapedeck/core'

/** Compresses ascending, distinct seqs into ranges: [0,1,2,5] → [{0,2},{5,5}]. */
export function toRanges(seqs: readonly number[]): SeqRange[] {
  const ranges: SeqRange[] = []
  for (const seq of seqs) {
    const last = ranges.at(-1)
    if (last && seq === last.to + 1) last.to = seq
    else ranges.push({ from: seq, to: seq })
  }
  return ranges
}

/** The union of sorted, disjoint ranges and ascending seqs, merging neighbours: one pass over both. */
export function addSeqs(ranges: readonly SeqRange[], seqs: readonly number[]): SeqRange[] {
  return unionRanges(ranges, toRanges(seqs))
}

/** The union of two lists of ranges, each sorted by `from` (they may overlap), merging neighbours: one pass over both. */
export function unionRanges(ranges: readonly SeqRange[], added: readonly SeqRange[]): SeqRange[] {
  const merged: SeqRange[] = []
  let i = 0
  let j = 0
  while (i < ranges.length || j < added.length) {
    const range = j >= added.length || (i < ranges.length && ranges[i]!.from <= added[j]!.from) ? ranges[i++]! : added[j++]!
    const last = merged.at(-1)
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to)
    else merged.push({ ...range })
  }
  return merged
}

export function containsSeq(ranges: readonly SeqRange[], seq: number): boolean {
  let low = 0
  let high = ranges.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const range = ranges[middle]!
    if (seq < range.from) high = middle - 1
    else if (seq > range.to) low = middle + 1
    else return true
  }
  return false
}

/** The seqs of [from, to] that no range covers. */
export function missingRanges(ranges: readonly SeqRange[], from: number, to: number): SeqRange[] {
  const gaps: SeqRange[] = []
  let next = from
  for (const range of ranges) {
    if (range.to < next) continue
    if (range.from > to) break
    if (range.from > next) gaps.push({ from: next, to: range.from - 1 })
    next = range.to + 1
  }
  if (next <= to) gaps.push({ from: next, to })
  return gaps
}

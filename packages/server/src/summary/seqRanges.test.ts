import { describe, expect, it } from 'vitest'
import { addSeqs, containsSeq, missingRanges, toRanges } from './seqRanges.js'

describe('seq ranges', () => {
  it('compresses ascending seqs', () => {
    expect(toRanges([0, 1, 2, 5, 7, 8])).toEqual([{ from: 0, to: 2 }, { from: 5, to: 5 }, { from: 7, to: 8 }])
    expect(toRanges([])).toEqual([])
  })

  it('merges new seqs into ranges, joining neighbours', () => {
    const ranges = addSeqs([{ from: 0, to: 2 }, { from: 10, to: 12 }], [3, 4, 8, 9])
    expect(ranges).toEqual([{ from: 0, to: 4 }, { from: 8, to: 12 }])
    expect(addSeqs(ranges, [5, 6, 7])).toEqual([{ from: 0, to: 12 }])
  })

  it('finds seqs', () => {
    const ranges = [{ from: 0, to: 4 }, { from: 8, to: 12 }, { from: 20, to: 20 }]
    expect([0, 4, 5, 7, 8, 12, 13, 20, 21].map((seq) => containsSeq(ranges, seq))).toEqual([
      true, true, false, false, true, true, false, true, false,
    ])
  })

  it('lists what is missing between two seqs', () => {
    const ranges = [{ from: 2, to: 4 }, { from: 8, to: 9 }]
    expect(missingRanges(ranges, 0, 12)).toEqual([{ from: 0, to: 1 }, { from: 5, to: 7 }, { from: 10, to: 12 }])
    expect(missingRanges(ranges, 3, 8)).toEqual([{ from: 5, to: 7 }])
    expect(missingRanges([{ from: 0, to: 9 }], 0, 9)).toEqual([])
    expect(missingRanges([], 0, 0)).toEqual([{ from: 0, to: 0 }])
  })
})

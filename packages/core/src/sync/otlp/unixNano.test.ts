import { describe, expect, test } from 'vitest'
import { durationNanos, msToNanos } from './unixNano'

describe('msToNanos', () => {
  test('is exact for epoch milliseconds, where Number math is not', () => {
    const ts = 1_763_766_002_210
    expect(String(msToNanos(ts))).toBe('1763766002210000000')
    // The naive way loses the last digits: this is why the exporter uses BigInt.
    expect(String(ts * 1e6 - 1200.3 * 1e6)).not.toBe('1763766001009700000')
    expect(String(msToNanos(ts) - msToNanos(1200.3))).toBe('1763766001009700000')
  })

  test('keeps the fraction of a millisecond to the nanosecond', () => {
    expect(msToNanos(0.000001)).toBe(1n)
    expect(msToNanos(4000.5)).toBe(4_000_500_000n)
    expect(msToNanos(310)).toBe(310_000_000n)
    expect(() => msToNanos(Number.NaN)).toThrow(RangeError)
  })

  test('durationNanos treats missing, negative and non-numeric durations as 0', () => {
    expect(durationNanos(45)).toBe(45_000_000n)
    for (const value of [undefined, null, -5, '45', Number.POSITIVE_INFINITY]) expect(durationNanos(value)).toBe(0n)
  })
})

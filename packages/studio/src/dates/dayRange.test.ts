import { describe, expect, it } from 'vitest'
import { dayOf, dayRange } from './dayRange'

describe('dayRange', () => {
  it('takes both days whole: from midnight UTC of the first to midnight after the last', () => {
    expect(dayRange('2026-11-01', '2026-11-30')).toEqual({ from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 11, 1) })
    expect(dayRange('2026-11-05', '2026-11-05')).toEqual({ from: Date.UTC(2026, 10, 5), to: Date.UTC(2026, 10, 6) })
  })
  it('leaves out what is not a date', () => {
    expect(dayRange('', 'yesterday')).toEqual({})
    expect(dayRange(null, '2026-02-31x')).toEqual({})
    expect(dayRange('2026-11-01', undefined)).toEqual({ from: Date.UTC(2026, 10, 1) })
  })
  it('names a moment’s UTC day', () => {
    expect(dayOf(Date.UTC(2026, 10, 1, 23, 59))).toBe('2026-11-01')
  })
})

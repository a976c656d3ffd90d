import { describe, expect, test } from 'vitest'
import { createUlid, encodeTime, randomId } from './ulid'

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/

describe('ulid', () => {
  test('encodes the time so that ids sort by it', () => {
    const ulid = createUlid()
    const a = ulid(1_700_000_000_000)
    const b = ulid(1_700_000_000_001)
    expect(a).toMatch(ULID)
    expect(a.slice(0, 10)).toBe(encodeTime(1_700_000_000_000))
    expect(encodeTime(1_700_000_000_000)).toBe('01HF7YAT00')
    expect(a < b).toBe(true)
  })

  test('is monotonic within one millisecond and when the clock goes back', () => {
    const ulid = createUlid()
    const ids = [ulid(5000), ulid(5000), ulid(5000), ulid(4999)]
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(4)
  })

  test('carries into the next digit when the random part ends in the highest digit', () => {
    const ulid = createUlid((bytes) => bytes.fill(31).fill(0, 0, 15))
    const first = ulid(1)
    const second = ulid(1)
    expect(first.slice(-2)).toBe('0Z')
    expect(second.slice(-2)).toBe('10')
  })

  test('refuses times outside 48 bits', () => {
    expect(() => encodeTime(-1)).toThrow(RangeError)
    expect(() => encodeTime(2 ** 48)).toThrow(RangeError)
  })

  test('randomId has its prefix and safe characters', () => {
    expect(randomId('t_')).toMatch(/^t_[0-9A-Z]{10}$/)
  })
})

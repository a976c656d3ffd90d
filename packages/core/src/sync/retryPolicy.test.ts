import { describe, expect, test } from 'vitest'
import { backoffDelay, retryAfterMs, verdictFor } from './retryPolicy'

describe('verdictFor: every row of docs/protocol.md §2', () => {
  test.each([
    [200, 'sent'],
    [201, 'sent'],
    [202, 'sent'],
    [409, 'sent'],
    [400, 'dead'],
    [415, 'dead'],
    [422, 'dead'],
    [401, 'auth'],
    [403, 'auth'],
    [413, 'split'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [599, 'retry'],
    [404, 'retry'],
  ] as const)('%i → %s', (status, verdict) => {
    expect(verdictFor(status)).toBe(verdict)
  })
})

describe('backoffDelay', () => {
  test('full jitter under an exponential ceiling', () => {
    const options = { baseMs: 1000, capMs: 300_000 }
    expect(backoffDelay(1, options, () => 0.999)).toBe(999)
    expect(backoffDelay(2, options, () => 0.5)).toBe(1000)
    expect(backoffDelay(4, options, () => 0.5)).toBe(4000)
    expect(backoffDelay(1, options, () => 0)).toBe(0)
  })

  test('never over the cap, however many attempts', () => {
    expect(backoffDelay(40, { baseMs: 1000, capMs: 300_000 }, () => 0.999999)).toBeLessThan(300_000)
    expect(backoffDelay(2000, { baseMs: 1000, capMs: 300_000 }, () => 0.999999)).toBeLessThan(300_000)
  })
})

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-21T12:00:00Z')
  test('seconds', () => expect(retryAfterMs('7', now)).toBe(7000))
  test('an HTTP date', () => expect(retryAfterMs('Sat, 21 Nov 2026 12:00:30 GMT', now)).toBe(30_000))
  test('a date in the past is now', () => expect(retryAfterMs('Sat, 21 Nov 2026 11:00:00 GMT', now)).toBe(0))
  test('capped', () => expect(retryAfterMs('999999', now, 300_000)).toBe(300_000))
  test('absent or unreadable', () => {
    expect(retryAfterMs(null, now)).toBeUndefined()
    expect(retryAfterMs('soon', now)).toBeUndefined()
  })
})

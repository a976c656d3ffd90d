import { expect, test } from 'vitest'
import { rateLimit } from './rateLimit'

test('at most perMinute a minute; the first one let through after refusals says how many were refused', () => {
  let now = 0
  const limit = rateLimit(3, () => now)
  expect([limit.take(), limit.take(), limit.take()]).toEqual([0, 0, 0])
  expect([limit.take(), limit.take()]).toEqual([false, false])
  now = 59_999
  expect(limit.take()).toBe(false)
  now = 60_000
  expect(limit.take()).toBe(3)
  expect(limit.take()).toBe(0)
})

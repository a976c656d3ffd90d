import { expect, test } from 'vitest'
import { RowSizes } from './RowSizes'

test('unmeasured rows count as the estimate; measured ones move every offset after them', () => {
  const sizes = new RowSizes(10)
  sizes.resize(5)
  expect([0, 1, 2, 3, 4, 5].map((i) => sizes.offset(i))).toEqual([0, 10, 20, 30, 40, 50])
  expect(sizes.set(1, 30)).toBe(20)
  expect(sizes.set(1, 30)).toBe(0) // the same height again changes nothing
  expect([0, 1, 2, 3, 4, 5].map((i) => sizes.offset(i))).toEqual([0, 10, 40, 50, 60, 70])
  expect(sizes.get(1)).toBe(30)
})

test('indexAt finds the row under a distance from the top, clamped to the list', () => {
  const sizes = new RowSizes(10)
  sizes.resize(4)
  sizes.set(2, 100) // rows: [0,10) [10,20) [20,120) [120,130)
  expect([0, 9.9, 10, 19, 20, 119, 120, 129, 500, -5].map((y) => sizes.indexAt(y))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 3, 0])
  expect(new RowSizes(10).indexAt(100)).toBe(0)
})

test('growing keeps measured heights (the playhead moved back, then forward); shrinking hides rows without forgetting them', () => {
  const sizes = new RowSizes(20)
  sizes.resize(3)
  sizes.set(0, 50)
  sizes.resize(1000) // past the initial capacity
  expect(sizes.offset(1000)).toBe(50 + 999 * 20)
  sizes.set(999, 40)
  expect(sizes.offset(1000)).toBe(50 + 998 * 20 + 40)
  sizes.resize(2)
  expect(sizes.offset(2)).toBe(70)
  expect(sizes.set(5, 99)).toBe(0) // not a row any more
  sizes.resize(1000)
  expect(sizes.offset(1000)).toBe(50 + 998 * 20 + 40)
})

test('a measurement far down does not redo the offsets above it; 100,000 rows stay cheap', () => {
  const sizes = new RowSizes(48)
  sizes.resize(100_000)
  const started = performance.now()
  expect(sizes.indexAt(48 * 50_000 + 1)).toBe(50_000)
  for (let i = 99_990; i < 100_000; i++) sizes.set(i, 60)
  expect(sizes.offset(100_000)).toBe(48 * 99_990 + 600)
  expect(sizes.indexAt(48 * 99_990 + 61)).toBe(99_991)
  // Generous: this is a few hundred thousand additions; a quadratic version would take seconds.
  expect(performance.now() - started).toBeLessThan(200)
})

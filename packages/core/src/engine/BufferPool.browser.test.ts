import { describe, expect, test } from 'vitest'
import { createBufferPool } from './BufferPool'

const KB64 = 0x10000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the page-wide pool of batch buffers', () => {
  test('keeps at most its count of buffers and its bytes; the rest is left to the collector', () => {
    const byCount = createBufferPool(3, 100 * KB64, 60_000)
    for (let i = 0; i < 5; i++) byCount.give(new ArrayBuffer(KB64))
    expect(byCount.kept()).toEqual([3, 3 * KB64])

    const byBytes = createBufferPool(64, 5 * KB64, 60_000)
    for (let i = 0; i < 4; i++) byBytes.give(new ArrayBuffer(2 * KB64))
    expect(byBytes.kept()).toEqual([2, 4 * KB64])
    // One that still fits is kept.
    byBytes.give(new ArrayBuffer(KB64))
    expect(byBytes.kept()).toEqual([3, 5 * KB64])
  })

  test('hands back a buffer it was given; a new one, in 64 KiB steps, when none is large enough', () => {
    const pool = createBufferPool(4, 100 * KB64, 60_000)
    const given = new ArrayBuffer(2 * KB64)
    pool.give(given)
    expect(pool.take(100_000)).toBe(given)
    expect(pool.kept()).toEqual([0, 0])

    const small = new ArrayBuffer(KB64)
    pool.give(small)
    const fresh = pool.take(KB64 + 1)
    expect(fresh).not.toBe(small)
    expect(fresh.byteLength).toBe(2 * KB64)
    // The small one is not kept either: buffers follow the size of the batches.
    expect(pool.kept()).toEqual([0, 0])
    expect(createBufferPool().take(1).byteLength).toBe(KB64)
  })

  test('keeps its buffers while batches come and go, gives them back once nothing records', async () => {
    const pool = createBufferPool(4, 100 * KB64, 100)
    pool.give(new ArrayBuffer(KB64))
    // A batch every 10 ms or so for 300 ms and more, longer than idleMs: the buffer stays.
    for (let i = 0; i < 30; i++) {
      await sleep(10)
      pool.give(pool.take(100))
    }
    expect(pool.kept()).toEqual([1, KB64])
    // Nothing comes back any more: given back idleMs after the last one (later on a busy machine).
    const idleFrom = performance.now()
    while (pool.kept()[0] > 0 && performance.now() - idleFrom < 3000) await sleep(5)
    expect(pool.kept()).toEqual([0, 0])
    expect(performance.now() - idleFrom).toBeGreaterThanOrEqual(100)
    // And it fills again.
    pool.give(new ArrayBuffer(KB64))
    expect(pool.kept()).toEqual([1, KB64])
  })
})

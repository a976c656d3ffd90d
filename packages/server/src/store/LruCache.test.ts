import { describe, expect, it } from 'vitest'
import { LruCache } from './LruCache.js'

describe('LruCache', () => {
  it('keeps at most maxBytes, dropping the least recently used first', () => {
    const cache = new LruCache<string>(100)
    cache.set('a', 'A', 40)
    cache.set('b', 'B', 40)
    expect(cache.get('a')).toBe('A')
    cache.set('c', 'C', 40)
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.bytes]).toEqual(['A', undefined, 'C', 80])
    cache.set('a', 'A2', 10)
    expect([cache.get('a'), cache.bytes]).toEqual(['A2', 50])
    cache.set('huge', 'H', 101)
    expect([cache.get('huge'), cache.bytes, cache.size]).toEqual([undefined, 50, 2])
    cache.delete('c')
    expect([cache.bytes, cache.size]).toEqual([10, 1])
  })

  it('stays within its budget under a million distinct keys', () => {
    const cache = new LruCache<number | null>(64 * 1024)
    for (let i = 0; i < 1_000_000; i++) cache.set(`s_${i}`, i % 2 ? i : null, 64)
    expect(cache.bytes).toBeLessThanOrEqual(64 * 1024)
    expect(cache.size).toBe(1024)
    expect(cache.get('s_999999')).toBe(999_999)
    expect(cache.get('s_999998')).toBeNull()
  })
})

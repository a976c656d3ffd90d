import { describe, expect, test } from 'vitest'
import { seeded } from '../../test/seeded.mjs'
import { sessionPoint, sessionSampled, startedSampling } from './sessionSampled'

/** A seeded source of session ids: the same run every time. */
function seededIds(seed: number, count: number): string[] {
  const next = seeded(seed)
  return Array.from({ length: count }, () => `s_${Math.floor(next() * 2 ** 48).toString(36)}`)
}

describe('sessionSampled', () => {
  test('0.5 over 1,000 sessions keeps a share within 4 standard deviations of 500 (±63), for several seeds', () => {
    for (const seed of [1, 2, 3, 42]) {
      const kept = seededIds(seed, 1000).filter((id) => sessionSampled(id, 0.5)).length
      expect(kept, `seed ${seed}`).toBeGreaterThanOrEqual(437)
      expect(kept, `seed ${seed}`).toBeLessThanOrEqual(563)
    }
  })

  test('0.1 keeps about one in ten, and ids made one after another (ULIDs differ at the end) spread too', () => {
    const kept = seededIds(7, 2000).filter((id) => sessionSampled(id, 0.1)).length
    expect(kept).toBeGreaterThanOrEqual(200 - 54)
    expect(kept).toBeLessThanOrEqual(200 + 54)
    const sequential = Array.from({ length: 1000 }, (_, i) => `s_01JD3Z8Q${i.toString().padStart(6, '0')}`)
    const keptSequential = sequential.filter((id) => sessionSampled(id, 0.5)).length
    expect(keptSequential).toBeGreaterThanOrEqual(437)
    expect(keptSequential).toBeLessThanOrEqual(563)
  })

  test('the decision is the id’s: the same for every call (every tab, every reload), nested in the rate', () => {
    for (const id of seededIds(9, 200)) {
      expect(sessionSampled(id, 0.3)).toBe(sessionSampled(id, 0.3))
      // A session kept at 0.3 is kept at any higher rate.
      if (sessionSampled(id, 0.3)) expect(sessionSampled(id, 0.6)).toBe(true)
      expect(sessionPoint(id)).toBeGreaterThanOrEqual(0)
      expect(sessionPoint(id)).toBeLessThan(1)
    }
    expect(seededIds(9, 200).every((id) => sessionSampled(id, 1))).toBe(true)
    expect(seededIds(9, 200).some((id) => sessionSampled(id, 0))).toBe(false)
  })
})

describe('startedSampling', () => {
  test('decides from the id as sessionSampled does, and says in `sampling` the options it is given, and only those', () => {
    for (const id of seededIds(5, 50)) {
      const { sampled, data } = startedSampling(id, '{"a":1}', { sampleRate: 0.4, mode: 'on-error', sample: { 'user.action': 0.1 } })
      expect(sampled, id).toBe(sessionSampled(id, 0.4))
      expect(JSON.parse(data)).toEqual({ a: 1, sampling: { rate: 0.4, mode: 'on-error', types: { 'user.action': 0.1 } } })
    }
    expect(startedSampling('s_x', '{}', { sampleRate: 0.4 }).data).toBe('{"sampling":{"rate":0.4}}')
    expect(startedSampling('s_x', '{"a":1}', { mode: 'on-error' })).toEqual({ sampled: true, data: '{"a":1,"sampling":{"mode":"on-error"}}' })
    // Without any of them, every session is in the sample and its data goes as it is.
    expect(startedSampling('s_x', '{"a":1}', {})).toEqual({ sampled: true, data: '{"a":1}' })
  })
})

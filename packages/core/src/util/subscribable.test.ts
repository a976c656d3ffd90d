import { afterEach, describe, expect, test, vi } from 'vitest'
import { Store } from './subscribable'

afterEach(() => vi.restoreAllMocks())

describe('Store', () => {
  test('keeps the snapshot identical until it changes', () => {
    const store = new Store({ a: 1, b: 2 })
    const first = store.getSnapshot()
    expect(store.getSnapshot()).toBe(first)
    store.update({ a: 3 })
    expect(store.getSnapshot()).toEqual({ a: 3, b: 2 })
    expect(store.getSnapshot()).not.toBe(first)
    expect(first).toEqual({ a: 1, b: 2 })
  })

  test('tells listeners until they unsubscribe', () => {
    const store = new Store({ n: 0 })
    const listener = vi.fn()
    const unsubscribe = store.subscribe(listener)
    store.update((current) => ({ n: current.n + 1 }))
    unsubscribe()
    store.update({ n: 5 })
    expect(listener).toHaveBeenCalledTimes(1)
  })

  test('a listener that throws does not stop the others; its error is rethrown on its own', () => {
    const rethrown: Array<() => void> = []
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => void rethrown.push(task))
    const store = new Store({ n: 0 })
    const after = vi.fn()
    store.subscribe(() => {
      throw new Error('listener bug')
    })
    store.subscribe(after)
    store.update({ n: 1 })
    expect(after).toHaveBeenCalledTimes(1)
    expect(rethrown).toHaveLength(1)
    expect(() => rethrown[0]!()).toThrow('listener bug')
  })
})

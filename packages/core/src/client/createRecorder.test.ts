/** On Node, as during server rendering: creating a recorder touches no browser global. */
import { afterAll, beforeAll, expect, test } from 'vitest'

const GLOBALS = ['window', 'document', 'navigator', 'location', 'indexedDB', 'Worker', 'localStorage', 'BroadcastChannel'] as const
const touched = new Set<string>()
const originals = new Map<string, PropertyDescriptor | undefined>()

beforeAll(() => {
  for (const name of GLOBALS) {
    originals.set(name, Object.getOwnPropertyDescriptor(globalThis, name))
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get: () => void touched.add(name),
    })
  }
})

afterAll(() => {
  for (const [name, original] of originals) {
    if (original) Object.defineProperty(globalThis, name, original)
    else delete (globalThis as Record<string, unknown>)[name]
  }
})

test('createRecorder() on a server touches no browser global', async () => {
  const { createRecorder } = await import('./createRecorder')
  const recorder = createRecorder({ consent: 'required', endpoint: 'https://example.test' })
  expect(recorder.sessions).toBeDefined()
  expect([...touched]).toEqual([])
})

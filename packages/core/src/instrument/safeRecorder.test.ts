import { describe, expect, test } from 'vitest'
import type { ErrorInfo } from '../errors'
import { createSafeRecorder, type RecorderLike } from './safeRecorder'

/** A recorder that refuses as the real one does: false, with the reason as its latest error. */
function refusingRecorder(limit: number) {
  const taken: unknown[] = []
  let error: ErrorInfo | null = null
  const recorder: RecorderLike = {
    record: (_type, data) => {
      if (JSON.stringify(data).length <= limit) return taken.push(data) > 0
      error = { code: 'event_too_large', message: 'too large', at: Date.now() }
      return false
    },
    getSnapshot: () => ({ error, state: 'recording' }) as never,
  }
  return { recorder, taken }
}

describe('createSafeRecorder', () => {
  test('a too-large event refused without a throw is recorded again, shrunk', () => {
    const { recorder, taken } = refusingRecorder(20)
    const safe = createSafeRecorder(recorder)
    expect(safe.record('x.a', { text: 'x'.repeat(50) }, () => ({ text: 'short' }))).toBe(true)
    expect(taken).toEqual([{ text: 'short' }])
    expect(safe.stats).toMatchObject({ recorded: 1, errors: 0 })
  })

  test('a refusal without a shrink, or one the shrunk event meets again, is counted as an error', () => {
    const { recorder, taken } = refusingRecorder(5)
    const safe = createSafeRecorder(recorder)
    expect(safe.record('x.a', { text: 'x'.repeat(50) })).toBe(false)
    expect(safe.record('x.a', { text: 'x'.repeat(50) }, () => ({ text: 'still too long' }))).toBe(false)
    expect(taken).toEqual([])
    expect(safe.stats).toMatchObject({ recorded: 0, errors: 2, lastError: { code: 'event_too_large' } })
  })
})

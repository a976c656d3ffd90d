import { describe, expect, test, vi } from 'vitest'
import { captureLoader } from './captureLoader'
import { sessionPoint } from './sessionSampled'
import type { StartHost } from './startCapture'

// The capture code's chunk does not load (offline, a blocked file): its import rejects.
vi.mock('./startCapture', () => {
  throw new Error('the chunk could not load')
})

/** A session id on the chosen side of the rate (its place in [0, 1) is its hash). */
function idOn(inSample: boolean, rate: number): string {
  for (let i = 0; ; i++) if (sessionPoint(`s_loader${i}`) < rate === inSample) return `s_loader${i}`
}

function host() {
  const pushed: Array<[string, string, string]> = []
  const published: unknown[] = []
  const start = {
    push: (sessionId: string, type: string, data: string) => void pushed.push([sessionId, type, data]),
    publish: (patch: unknown) => void published.push(patch),
    report: () => {},
    clock: { now: () => 0, wallNow: () => 0 },
    recorder: { record: () => true },
  } as unknown as StartHost
  return { start, pushed, published }
}

describe('captureLoader, when the capture code cannot load', () => {
  test('sampleRate still holds: a session out of the sample passes nothing, one in it passes everything and says its rate', async () => {
    const { start, pushed, published } = host()
    const capture = await captureLoader({ sampleRate: 0.3, sample: { 'user.action': 0.1 } }, start)!()
    const out = idOn(false, 0.3)
    const kept = idOn(true, 0.3)
    for (const id of [out, kept]) {
      capture.gate.enqueue(id, 'session.started', '{"a":1}', true, 1, 1)
      capture.gate.enqueue(id, 'user.action', '{}', false, 2, 2)
      capture.gate.enqueue(id, 'session.ended', '{}', true, 3, 3)
    }
    expect(pushed).toEqual([
      [kept, 'session.started', '{"a":1,"sampling":{"rate":0.3}}'],
      [kept, 'user.action', '{}'],
      [kept, 'session.ended', '{}'],
    ])
    expect(published).toEqual([{ sampled: false }, { sampled: true }])
  })

  test('without a rate, every event passes as it is', async () => {
    const { start, pushed } = host()
    const capture = await captureLoader({ mode: 'on-error' }, start)!()
    capture.gate.enqueue(idOn(false, 0.01), 'session.started', '{}', true, 1, 1)
    capture.gate.enqueue(idOn(false, 0.01), 'x.step', '{}', false, 2, 2)
    expect(pushed.map(([, type, data]) => [type, data])).toEqual([
      ['session.started', '{}'],
      ['x.step', '{}'],
    ])
  })
})

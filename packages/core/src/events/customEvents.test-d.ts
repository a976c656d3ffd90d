import { describe, expectTypeOf, test } from 'vitest'
import type { EventData, Recorder } from '@tapedeck/core'

// An application's own events, declared the documented way (docs/instrumentation.md).
declare module '@tapedeck/core' {
  interface CustomEventMap {
    'x.test.checkout.step': { step: number; plan?: 'free' | 'pro' }
  }
}

declare const recorder: Recorder

describe('typed custom events through module augmentation', () => {
  test('a declared x.* type takes its own payload, and a wrong one does not compile', () => {
    recorder.record('x.test.checkout.step', { step: 2, plan: 'pro' })
    expectTypeOf<EventData<'x.test.checkout.step'>>().toEqualTypeOf<{ step: number; plan?: 'free' | 'pro' }>()
    // @ts-expect-error -- step is a number
    recorder.record('x.test.checkout.step', { step: 'two' })
    // @ts-expect-error -- step is missing
    recorder.record('x.test.checkout.step', { plan: 'free' })
  })

  test('an undeclared x.* type still takes any JSON object', () => {
    recorder.record('x.test.anything', { whatever: [1, 'two'] })
    expectTypeOf<EventData<'x.test.anything'>>().toEqualTypeOf<import('@tapedeck/core').JsonObject>()
  })
})

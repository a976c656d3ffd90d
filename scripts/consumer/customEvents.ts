// Typed custom events, declared by module augmentation as docs/instrumentation.md shows, hold
// through the published declarations.
import type { Recorder } from '@tapedeck/core'

declare module '@tapedeck/core' {
  interface CustomEventMap {
    'x.checkout.step': { step: number; plan?: 'free' | 'pro' }
  }
}

// @package @tapedeck/core
declare const recorder: Recorder
recorder.record('x.checkout.step', { step: 2 })
// @ts-expect-error step is a number
recorder.record('x.checkout.step', { step: 'two' })

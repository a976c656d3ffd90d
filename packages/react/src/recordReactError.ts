import type { Recorder } from '@tapedeck/core'

/** Where React saw the error: a boundary caught it, nothing did, or React recovered by itself. */
export type ReactErrorKind = 'caught' | 'uncaught' | 'recoverable'

/**
 * Records an error React reported as `error.raised` (`source: 'react'`, with the component stack).
 * Never throws: without a session, or when the recorder refuses the event, nothing is recorded.
 */
export function recordReactError(recorder: Recorder, error: unknown, info: { componentStack?: string | null | undefined }, kind: ReactErrorKind): void {
  const described = error instanceof Error ? error : undefined
  try {
    recorder.record('error.raised', {
      message: (described?.message ?? String(error)).slice(0, 2000),
      ...(described && { name: described.name }),
      ...(typeof described?.stack === 'string' && { stack: described.stack.slice(0, 8000) }),
      ...(info.componentStack && { componentStack: info.componentStack.slice(0, 8000) }),
      source: 'react',
      kind,
    })
  } catch {
    // No session (`no_active_session`) or a closed recorder: the app's error handling goes on.
  }
}

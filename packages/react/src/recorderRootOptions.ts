import type { ErrorInfo } from 'react'
import type { Recorder } from '@tapedeck/core'
import { RecorderErrorBoundary } from './RecorderErrorBoundary'
import { recordReactError } from './recordReactError'

type RootErrorHandler = (error: unknown, errorInfo: ErrorInfo & { errorBoundary?: unknown }) => void

export interface RecorderRootOptions {
  onCaughtError: RootErrorHandler
  onUncaughtError: RootErrorHandler
  onRecoverableError: RootErrorHandler
}

/**
 * React 19's root error options, wired to a recorder: every error React reports becomes an
 * `error.raised` event (`source: 'react'`, `kind`: `caught` by a boundary, `uncaught`, or
 * `recoverable`; once, when a `<RecorderErrorBoundary>` caught it), then goes where React sends it by default — or to your own handlers, given in
 * `next`. Pass them to `createRoot(container, recorderRootOptions(recorder))` or `hydrateRoot`.
 */
export function recorderRootOptions(recorder: Recorder, next: Partial<RecorderRootOptions> = {}): RecorderRootOptions {
  const handler = (kind: 'caught' | 'uncaught' | 'recoverable', fallback: RootErrorHandler): RootErrorHandler => (error, info) => {
    // A <RecorderErrorBoundary> has recorded what it caught already.
    if (!(info.errorBoundary instanceof RecorderErrorBoundary)) recordReactError(recorder, error, info, kind)
    const after = kind === 'caught' ? next.onCaughtError : kind === 'uncaught' ? next.onUncaughtError : next.onRecoverableError
    ;(after ?? fallback)(error, info)
  }
  return {
    // React's defaults: caught and recoverable errors go to console.error, uncaught ones to reportError.
    onCaughtError: handler('caught', (error) => console.error(error)),
    onUncaughtError: handler('uncaught', (error) => (typeof reportError === 'function' ? reportError(error) : console.error(error))),
    onRecoverableError: handler('recoverable', (error) => console.error(error)),
  }
}

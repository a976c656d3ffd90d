import { Component, type ErrorInfo, type ReactNode } from 'react'
import type { Recorder } from '@tapedeck/core'
import { RecorderContext } from './RecorderContext'
import { recordReactError } from './recordReactError'

export interface RecorderErrorBoundaryProps {
  /** What to render instead of the children once they threw: a node, or a function of the error and a reset. */
  fallback?: ReactNode | ((props: { error: unknown; reset: () => void }) => ReactNode)
  /** Called after the error is recorded (report it elsewhere too). */
  onError?: (error: unknown, info: ErrorInfo) => void
  /** The recorder to record into; the nearest `<RecorderProvider>`'s by default. */
  recorder?: Recorder
  children?: ReactNode
}

interface State {
  error: unknown
  failed: boolean
}

/**
 * An error boundary that records what it catches as `error.raised` (`source: 'react'`, `kind:
 * 'caught'`, with the component stack) and renders `fallback`. Outside a provider and without
 * `recorder`, it still catches and renders the fallback; it only records nothing.
 */
export class RecorderErrorBoundary extends Component<RecorderErrorBoundaryProps, State> {
  static override contextType = RecorderContext
  declare context: Recorder | null
  override state: State = { error: null, failed: false }

  static getDerivedStateFromError(error: unknown): State {
    return { error, failed: true }
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    const recorder = this.props.recorder ?? this.context
    if (recorder) recordReactError(recorder, error, info, 'caught')
    try {
      this.props.onError?.(error, info)
    } catch {
      // The app's own callback must not take the fallback down with it.
    }
  }

  reset = (): void => this.setState({ error: null, failed: false })

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children
    const { fallback } = this.props
    return typeof fallback === 'function' ? fallback({ error: this.state.error, reset: this.reset }) : (fallback ?? null)
  }
}

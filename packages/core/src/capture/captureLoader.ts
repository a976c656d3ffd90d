import type { StartedCapture, StartHost } from './startCapture'
import type { CaptureOptions } from './captureOptions'
import type { RecorderOptions } from '../client/types'

/** Loads the capture code once, on first use; what it resolves to takes every event of the recorder. */
export type CaptureLoader = () => Promise<StartedCapture>

/**
 * `undefined` unless an option of docs/capture.md is set, so a recorder without them carries these
 * few lines and no more: the rest is a chunk of its own, loaded (and its watchers started) on first
 * use. If it cannot load, events go to the queue as if the options were not set.
 */
export function captureLoader(options: CaptureOptions & Pick<RecorderOptions, 'dbName' | 'redact' | 'capture' | 'encryption'>, host: StartHost): CaptureLoader | undefined {
  const { sampleRate, sample, mode, autoCapture, propagate } = options
  if (sampleRate === undefined && !sample && !mode && !autoCapture && !propagate) return undefined
  let loading: Promise<StartedCapture> | undefined
  return () =>
    (loading ??= import('./startCapture').then(
      ({ startCapture }) => startCapture(options, host),
      () => ({ gate: { enqueue: host.push, keep() {} }, stop() {} }),
    ))
}

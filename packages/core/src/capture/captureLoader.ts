import type { StartedCapture, StartHost } from './startCapture'
import type { CaptureOptions } from './captureOptions'
import type { RecorderOptions } from '../client/types'
import { startedSampling } from './sessionSampled'

/** Loads the capture code once, on first use; what it resolves to takes every event of the recorder. */
export type CaptureLoader = () => Promise<StartedCapture>

/**
 * `undefined` unless an option of docs/capture.md is set, so a recorder without them carries these
 * few lines and no more: the rest is a chunk of its own, loaded (and its watchers started) on first
 * use. If it cannot load, `sampleRate` is still honoured (`sampledOnly`); the other options are not.
 */
export function captureLoader(options: CaptureOptions & Pick<RecorderOptions, 'dbName' | 'redact' | 'capture' | 'encryption'>, host: StartHost): CaptureLoader | undefined {
  const { sampleRate, sample, mode, autoCapture, propagate } = options
  if (sampleRate === undefined && !sample && !mode && !autoCapture && !propagate) return undefined
  let loading: Promise<StartedCapture> | undefined
  return () =>
    (loading ??= import('./startCapture').then(
      ({ startCapture }) => startCapture(options, host),
      () => sampledOnly(sampleRate, host),
    ))
}

/**
 * Without the capture code (its chunk, or the script tag's `tapedeck-capture.js`, did not load):
 * each session is still in the sample or not as the gate decides it, from its id at its
 * `session.started` (`startedSampling`), so a page that asked for a rate never records every
 * session. Everything else goes as if the capture options were not set: every event of a sampled
 * session, nothing captured on its own — and `sampling` says only the rate, the one option applied.
 */
function sampledOnly(sampleRate: number | undefined, host: StartHost): StartedCapture {
  let sampled = true
  return {
    gate: {
      enqueue(sessionId, type, data, ...rest) {
        if (type === 'session.started' && typeof sampleRate === 'number') {
          ;({ sampled, data } = startedSampling(sessionId, data, { sampleRate }))
          host.publish({ sampled })
        }
        if (sampled) host.push(sessionId, type, data, ...rest)
      },
      keep() {},
    },
    stop() {},
  }
}

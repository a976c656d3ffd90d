/**
 * Recording from inside someone else's code path (their fetch, their stream, their click
 * handler) must never throw into it. Everything the instrumentation records goes through here:
 * errors are swallowed, counted and handed to `onError`.
 */
import type { Recorder } from '../client/types'
import type { EventData, RecordableEventType } from '../events/catalogue'

/** What the instrumentation needs of a recorder: `record`, and `getSnapshot` when there is one. */
export interface RecorderLike {
  record: Recorder['record']
  getSnapshot?: Recorder['getSnapshot']
}

/** `full` (default) records prompts, responses and tool arguments; `metadata` keeps only numbers, names and timings. */
export type CaptureMode = 'full' | 'metadata'

export interface InstrumentStats {
  /** Events handed to the recorder. */
  recorded: number
  /** Calls or actions not recorded because no session was being recorded (idle, paused, closed). */
  skipped: number
  /** Failures swallowed so the app never sees them (a refused event, an unreadable body…). */
  errors: number
  lastError: unknown
}

export interface SafeRecorder {
  readonly stats: InstrumentStats
  /** Whether a session is being recorded now (true when the recorder cannot tell). */
  active(): boolean
  /** Records; `false` (and counted) when the recorder refused. A too-large event is retried once, shrunk. */
  record<T extends RecordableEventType>(type: T, data: EventData<T>, shrink?: (data: EventData<T>) => EventData<T>): boolean
  /** Counts an error of the instrumentation itself. */
  fail(error: unknown): void
}

export function createSafeRecorder(recorder: RecorderLike, onError?: (error: unknown) => void): SafeRecorder {
  const stats: InstrumentStats = { recorded: 0, skipped: 0, errors: 0, lastError: undefined }
  const fail = (error: unknown) => {
    stats.errors++
    stats.lastError = error
    try {
      onError?.(error)
    } catch {
      // an onError that throws changes nothing
    }
  }
  return {
    stats,
    active() {
      try {
        const state = recorder.getSnapshot?.().state
        return state === undefined || state === 'recording'
      } catch {
        return true
      }
    },
    record(type, data, shrink) {
      let refused = attempt(recorder, type, data)
      if (refused !== undefined && shrink && (refused as { code?: unknown } | null)?.code === 'event_too_large') {
        try {
          refused = attempt(recorder, type, shrink(data))
        } catch (error) {
          refused = error
        }
      }
      if (refused === undefined) {
        stats.recorded++
        return true
      }
      fail(refused)
      return false
    },
    fail,
  }
}

/**
 * Hands one event to the recorder: `undefined` when it took it, else why not. A recorder refuses
 * by returning false and reporting (its latest error says why), or, with `strict: true`, by throwing.
 */
function attempt<T extends RecordableEventType>(recorder: RecorderLike, type: T, data: EventData<T>): unknown {
  const before = recorder.getSnapshot?.().error
  try {
    if (recorder.record(type, data) !== false) return undefined
  } catch (error) {
    return error
  }
  const error = recorder.getSnapshot?.().error
  // Not taken and nothing reported: withheld for consent, or paused — not a failure.
  return error && error !== before ? error : undefined
}

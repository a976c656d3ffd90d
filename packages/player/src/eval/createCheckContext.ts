import type { Recording } from '../recording/Recording'
import { recordedCalls, type RecordedCall } from '../replay/recordedCalls'
import { computeStats, type RecordingStats } from '../stats/computeStats'
import type { CheckContext } from './Check'

/** A check context whose statistics and call list are computed on first read, then shared by every check. */
export function createCheckContext(recording: Recording, signal?: AbortSignal): CheckContext {
  let stats: RecordingStats | undefined
  let calls: readonly RecordedCall[] | undefined
  return {
    recording,
    events: recording.events,
    get stats() {
      return (stats ??= computeStats(recording))
    },
    get calls() {
      return (calls ??= recordedCalls(recording))
    },
    ...(signal && { signal }),
  }
}

import type { TapedeckEvent } from '@tapedeck/core'
import type { Recording } from '../recording/Recording'
import type { RecordedCall } from '../replay/recordedCalls'
import type { RecordingStats } from '../stats/computeStats'

/** What a check says about one recording. */
export interface CheckOutcome {
  passed: boolean
  /** 0–1; default 1 when passed, else 0. */
  score?: number
  /** JSON: the figures the verdict rests on (the measured p95, the budget, the tool called…). */
  details?: unknown
  /** The events the verdict points at: the slow calls, the wrong tool call, the answer that leaked. */
  eventIds?: string[]
}

/** What a check reads: the recording, and what several checks need, computed once per recording. */
export interface CheckContext {
  readonly recording: Recording
  readonly events: readonly TapedeckEvent[]
  /** `computeStats(recording)`, computed on first read. */
  readonly stats: RecordingStats
  /** The provider calls (`recordedCalls`), computed on first read. */
  readonly calls: readonly RecordedCall[]
  readonly signal?: AbortSignal
}

/**
 * A named test of a recording. `run` may be synchronous (the built-in checks are) or return a
 * promise (an LLM judge); a check that throws fails with the error in its details.
 */
export interface Check {
  readonly name: string
  run(context: CheckContext): CheckOutcome | Promise<CheckOutcome>
}

export type { CheckResult } from './CheckResult'

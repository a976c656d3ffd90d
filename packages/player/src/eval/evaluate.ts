import { playerError } from '../playerError'
import type { Recording } from '../recording/Recording'
import { passRate, type PassRate } from '../stats/passRate'
import type { Check, CheckOutcome, CheckResult } from './Check'
import { createCheckContext } from './createCheckContext'
import { writeValidationResults } from './validationResults'

export interface EvaluateOptions {
  /** Write each result into `recording.annotations` as a `validation.result` label (default true). */
  annotate?: boolean
  /** The annotations' author. Default `tapedeck-eval`. */
  author?: string
  signal?: AbortSignal
  /** Called as each recording is done (a progress bar, a streaming report). */
  onRecording?(evaluation: RecordingEvaluation): void
}

export interface RecordingEvaluation {
  sessionId: string
  /** Every check passed. */
  passed: boolean
  results: CheckResult[]
}

export interface Evaluation extends PassRate {
  recordings: RecordingEvaluation[]
  /** Every result, recording by recording, check by check. */
  results: CheckResult[]
  /** By check name, in the order the checks were given. */
  checks: Record<string, PassRate>
  /** Recordings that passed every check. */
  recordingsPassed: number
}

function isThenable(value: unknown): value is PromiseLike<CheckOutcome> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

function describeError(error: unknown): { message: string; code?: string } {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? { message, code } : { message }
}

function toResult(sessionId: string, name: string, outcome: CheckOutcome, durationMs: number): CheckResult {
  const passed = outcome.passed === true
  const score = typeof outcome.score === 'number' && Number.isFinite(outcome.score) ? outcome.score : passed ? 1 : 0
  const result: CheckResult = { sessionId, name, passed, score, eventIds: outcome.eventIds ? [...outcome.eventIds] : [], durationMs }
  if (outcome.details !== undefined) result.details = outcome.details
  return result
}

/**
 * Runs every check on every recording and returns the verdicts, per recording and per check, with
 * pass rates. Each result is also written into the recording's annotations (a `validation.result`
 * label, see `validationResults`) unless `annotate: false`, so the viewer and the exports carry
 * it. A check that throws fails (`errored`, the error in `details`); the others still run.
 * Recordings are evaluated one after another; a check's statistics are computed once per recording.
 */
export async function evaluate(recordings: Recording | Iterable<Recording>, checks: readonly Check[], options: EvaluateOptions = {}): Promise<Evaluation> {
  const names = new Set<string>()
  for (const check of checks) {
    if (typeof check?.name !== 'string' || check.name === '' || typeof check.run !== 'function') throw playerError('invalid_options', 'A check is { name, run(context) } with a non-empty name.')
    if (names.has(check.name)) throw playerError('invalid_options', `Two checks are named "${check.name}": give each its own name (results are kept by name).`)
    names.add(check.name)
  }
  const list = isRecording(recordings) ? [recordings] : [...recordings]
  const write = options.annotate !== false
  const author = options.author ?? 'tapedeck-eval'
  const evaluation: Evaluation = { recordings: [], results: [], checks: {}, passed: 0, total: 0, passRate: null, recordingsPassed: 0 }
  const counts = new Map<string, number>(checks.map((check) => [check.name, 0]))

  for (const recording of list) {
    options.signal?.throwIfAborted()
    const context = createCheckContext(recording, options.signal)
    const results: CheckResult[] = []
    for (const check of checks) {
      const started = performance.now()
      let result: CheckResult
      try {
        let outcome = check.run(context)
        if (isThenable(outcome)) outcome = await outcome
        result = toResult(recording.sessionId, check.name, outcome, performance.now() - started)
      } catch (error) {
        if (options.signal?.aborted) throw error
        result = { sessionId: recording.sessionId, name: check.name, passed: false, score: 0, details: { error: describeError(error) }, eventIds: [], errored: true, durationMs: performance.now() - started }
      }
      results.push(result)
      if (result.passed) counts.set(check.name, counts.get(check.name)! + 1)
    }
    if (write) {
      try {
        writeValidationResults(recording, results, author)
      } catch {
        // Some details JSON cannot hold: keep those verdicts, say why their details are gone.
        for (const [i, result] of results.entries()) {
          try {
            JSON.stringify(result.details)
          } catch (error) {
            results[i] = { ...result, details: { error: describeError(error) }, errored: true }
          }
        }
        writeValidationResults(recording, results, author)
      }
    }
    const passed = results.every((result) => result.passed)
    const done: RecordingEvaluation = { sessionId: recording.sessionId, passed, results }
    evaluation.recordings.push(done)
    evaluation.results.push(...results)
    if (passed) evaluation.recordingsPassed++
    options.onRecording?.(done)
  }

  for (const check of checks) evaluation.checks[check.name] = passRate(counts.get(check.name)!, list.length)
  const passedResults = evaluation.results.filter((result) => result.passed).length
  Object.assign(evaluation, passRate(passedResults, evaluation.results.length))
  return evaluation
}

function isRecording(value: Recording | Iterable<Recording>): value is Recording {
  return typeof (value as Recording).sessionId === 'string' && Array.isArray((value as Recording).events)
}

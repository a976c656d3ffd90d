import type { Recording } from '../recording/Recording'
import type { Check, CheckResult } from './Check'
import { evaluate, type EvaluateOptions } from './evaluate'

function describe(result: CheckResult): string {
  const details = result.details === undefined ? '' : ` ${JSON.stringify(result.details)}`
  return `  ✗ ${result.name} (score ${Math.round(result.score * 1000) / 1000})${details.length > 400 ? `${details.slice(0, 400)}…` : details}`
}

/**
 * Evaluates the checks on one recording and throws an `AssertionError`-like error listing every
 * failed check with its details; resolves to the results when all pass. For a Vitest or Playwright
 * test: `await assertChecks(recording, checks)`.
 */
export async function assertChecks(recording: Recording, checks: readonly Check[], options: EvaluateOptions = {}): Promise<CheckResult[]> {
  const { results } = await evaluate(recording, checks, options)
  const failed = results.filter((result) => !result.passed)
  if (failed.length > 0) {
    const error = new Error(`${failed.length} of ${results.length} checks failed on ${recording.sessionId}:\n${failed.map(describe).join('\n')}`)
    error.name = 'AssertionError'
    throw Object.assign(error, { results })
  }
  return results
}

import type { Check } from '../Check'

/**
 * No provider call failed, was aborted, or was left unfinished (started and never answered).
 * Points at the failures and at the starts of unfinished calls.
 */
export function noFailedCalls(options: { name?: string } = {}): Check {
  return {
    name: options.name ?? 'no-failed-calls',
    run({ calls }) {
      const failed = calls.filter((call) => call.status === 'failed')
      const unfinished = calls.filter((call) => call.status === 'unfinished')
      const aborted = failed.filter((call) => call.error?.name === 'AbortError').length
      return {
        passed: failed.length === 0 && unfinished.length === 0,
        score: calls.length === 0 ? 1 : (calls.length - failed.length - unfinished.length) / calls.length,
        details: { calls: calls.length, failed: failed.length - aborted, aborted, unfinished: unfinished.length, errors: failed.map((call) => call.error?.message ?? null) },
        eventIds: [...failed.map((call) => call.ended!.id), ...unfinished.map((call) => call.started!.id)],
      }
    },
  }
}

import type { Check } from '../Check'

export interface LatencyBudget {
  /** Most a completed call may take, end to end, ms. */
  latencyMs?: number
  /** Most a completed call may take to its first token, ms (calls without a TTFT are not counted). */
  ttftMs?: number
  /** `p95` (default): the 95th percentile (nearest rank) must be within budget; `every`: each call. */
  at?: 'p95' | 'every'
  name?: string
}

/**
 * Latency and time-to-first-token budgets for the provider calls. Score: the share of calls
 * within budget. Points at the calls over budget.
 */
export function latencyBudget(budget: LatencyBudget): Check {
  const at = budget.at ?? 'p95'
  return {
    name: budget.name ?? 'latency',
    run({ stats, calls }) {
      const completed = calls.filter((call) => call.status === 'completed')
      const over = completed.filter(
        (call) =>
          (budget.latencyMs !== undefined && call.latencyMs !== undefined && call.latencyMs > budget.latencyMs) ||
          (budget.ttftMs !== undefined && call.ttftMs !== undefined && call.ttftMs > budget.ttftMs),
      )
      const p95 = stats.calls.latencyMs.p95
      const ttftP95 = stats.calls.ttftMs.p95
      const passed =
        at === 'every'
          ? over.length === 0
          : (budget.latencyMs === undefined || p95 === null || p95 <= budget.latencyMs) && (budget.ttftMs === undefined || ttftP95 === null || ttftP95 <= budget.ttftMs)
      return {
        passed,
        score: completed.length === 0 ? 1 : (completed.length - over.length) / completed.length,
        details: { at, budget: { latencyMs: budget.latencyMs ?? null, ttftMs: budget.ttftMs ?? null }, calls: completed.length, overBudget: over.length, p95: { latencyMs: p95, ttftMs: ttftP95 }, max: { latencyMs: stats.calls.latencyMs.max, ttftMs: stats.calls.ttftMs.max } },
        eventIds: over.map((call) => call.ended!.id),
      }
    },
  }
}

import type { Check } from '../Check'

export interface CostBudget {
  /** Most the session may cost, USD (completed and failed calls). */
  maxUsd?: number
  /** Most input + output tokens in the session. */
  maxTokens?: number
  maxInputTokens?: number
  maxOutputTokens?: number
  name?: string
}

/** Cost and token budgets per session. Points at the call that crossed the first budget exceeded. */
export function costBudget(budget: CostBudget): Check {
  return {
    name: budget.name ?? 'cost',
    run({ stats, calls }) {
      const { costUsd, tokens } = stats
      const exceeded: string[] = []
      if (budget.maxUsd !== undefined && costUsd > budget.maxUsd) exceeded.push('costUsd')
      if (budget.maxTokens !== undefined && tokens.total > budget.maxTokens) exceeded.push('tokens')
      if (budget.maxInputTokens !== undefined && tokens.input > budget.maxInputTokens) exceeded.push('inputTokens')
      if (budget.maxOutputTokens !== undefined && tokens.output > budget.maxOutputTokens) exceeded.push('outputTokens')
      const eventIds: string[] = []
      if (exceeded.length > 0) {
        // The call at which the running totals first went over a budget.
        let usd = 0
        let input = 0
        let output = 0
        for (const call of calls) {
          if (!call.ended) continue
          usd += call.costUsd ?? 0
          input += call.usage?.inputTokens ?? 0
          output += call.usage?.outputTokens ?? 0
          if (
            (budget.maxUsd !== undefined && usd > budget.maxUsd) ||
            (budget.maxTokens !== undefined && input + output > budget.maxTokens) ||
            (budget.maxInputTokens !== undefined && input > budget.maxInputTokens) ||
            (budget.maxOutputTokens !== undefined && output > budget.maxOutputTokens)
          ) {
            eventIds.push(call.ended.id)
            break
          }
        }
      }
      return {
        passed: exceeded.length === 0,
        details: { costUsd, tokens: { input: tokens.input, output: tokens.output, total: tokens.total }, budget: { ...budget }, exceeded },
        eventIds,
      }
    },
  }
}

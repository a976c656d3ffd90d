import { playerError } from '../playerError'
import type { Check, CheckOutcome } from './Check'

export interface VoteOptions {
  /** The check's name. Default `vote`. */
  name?: string
  /** `majority` (default: more than half pass), `all`, `any`, or `mean` (the mean score at least `pass`). */
  rule?: 'majority' | 'all' | 'any' | 'mean'
  /** For `mean`: the lowest mean score (0–1) that passes. Default 0.5. */
  pass?: number
}

/**
 * Several checks (usually LLM judges) vote on one verdict. They run side by side on the same
 * recording; `details.votes` keeps each one's verdict, score and details (a judge's call
 * included); the score is their mean. A voter that throws votes "fail" with its error.
 */
export function vote(voters: readonly Check[], options: VoteOptions = {}): Check {
  if (voters.length === 0) throw playerError('invalid_options', 'A vote needs at least one voter.')
  const rule = options.rule ?? 'majority'
  const pass = options.pass ?? 0.5
  return {
    name: options.name ?? 'vote',
    async run(context): Promise<CheckOutcome> {
      const votes = await Promise.all(
        voters.map(async (voter) => {
          try {
            const outcome = await voter.run(context)
            const score = typeof outcome.score === 'number' && Number.isFinite(outcome.score) ? outcome.score : outcome.passed ? 1 : 0
            return { name: voter.name, passed: outcome.passed === true, score, details: outcome.details, eventIds: outcome.eventIds ?? [] }
          } catch (error) {
            if (context.signal?.aborted) throw error
            return { name: voter.name, passed: false, score: 0, details: { error: error instanceof Error ? error.message : String(error) }, eventIds: [] as string[] }
          }
        }),
      )
      const yes = votes.filter((v) => v.passed).length
      const mean = votes.reduce((sum, v) => sum + v.score, 0) / votes.length
      const passed = rule === 'all' ? yes === votes.length : rule === 'any' ? yes > 0 : rule === 'mean' ? mean >= pass : yes * 2 > votes.length
      return {
        passed,
        score: mean,
        details: { rule, yes, no: votes.length - yes, votes: votes.map(({ eventIds: _, ...v }) => v) },
        eventIds: [...new Set(votes.flatMap((v) => v.eventIds))],
      }
    },
  }
}

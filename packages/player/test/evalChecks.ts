// The checks of the CLI test (`tapedeck eval … --checks packages/player/test/evalChecks.ts`), as an app writes them.
import { answerMatches, latencyBudget, maxTurns, noErrors, noFailedCalls, toolCalled, toolNotCalled } from '@tapedeck/player'

export default [
  latencyBudget({ latencyMs: 1000, at: 'every' }),
  noFailedCalls(),
  noErrors(),
  toolCalled({ name: 'lookupOrder', args: { type: 'object', required: ['orderId'] } }),
  toolNotCalled({ name: 'cancelOrder' }),
  answerMatches({ pattern: /^Order A1042 is shipped/ }),
  maxTurns(3),
]

import type { MessageCreatedData } from '@tapedeck/core'
import type { Check } from '../Check'

/**
 * The conversation ended within `turns` user turns (`message.created` with role `user`); with
 * `ended: true` the session must also have ended (`session.ended`). Points at the first turn over.
 */
export function maxTurns(turns: number, options: { ended?: boolean; name?: string } = {}): Check {
  return {
    name: options.name ?? 'turns',
    run({ events }) {
      const userTurns = events.filter((event) => event.type === 'message.created' && (event.data as MessageCreatedData).role === 'user')
      const ended = events.some((event) => event.type === 'session.ended')
      const over = userTurns[turns]
      return {
        passed: userTurns.length <= turns && (!options.ended || ended),
        details: { turns: userTurns.length, max: turns, ended },
        eventIds: over ? [over.id] : [],
      }
    },
  }
}

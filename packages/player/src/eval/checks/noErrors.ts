import type { ErrorRaisedData } from '@tapedeck/core'
import type { Check } from '../Check'

/** No `error.raised` event in the session. Points at each one. */
export function noErrors(options: { name?: string } = {}): Check {
  return {
    name: options.name ?? 'no-errors',
    run({ events }) {
      const raised = events.filter((event) => event.type === 'error.raised')
      return {
        passed: raised.length === 0,
        details: { raised: raised.length, messages: raised.slice(0, 5).map((event) => (event.data as ErrorRaisedData).message) },
        eventIds: raised.map((event) => event.id),
      }
    },
  }
}

import type { MessageCreatedData } from '@tapedeck/core'
import { createRedactor } from '@tapedeck/core/redact'
import { playerError } from '../../playerError'
import type { Check } from '../Check'

/**
 * What finds secrets in a text: the `redact` of a redactor made with core's rules (emails, cards
 * with their Luhn check, API keys and bearer tokens…); a text leaks when `count` > 0.
 */
export interface SecretFinder {
  redact(value: string): { count: number }
}

export interface RedactionExpectation {
  /** Default: core's redactor with its built-in rules (`createRedactor()` of `@tapedeck/core/redact`). Pass the one your app records with. */
  redactor?: SecretFinder
  /** Whose messages to read. Default `['assistant']`: the answers. */
  roles?: string[]
  name?: string
}

/**
 * Redaction held: no message of the given roles (the answers, by default), and no provider
 * answer text, still holds something the redactor would replace. Points at the messages that leak.
 */
export function redactionHeld(expect: RedactionExpectation = {}): Check {
  const redactor = expect.redactor ?? createRedactor()
  if (typeof redactor.redact !== 'function') throw playerError('invalid_options', 'redactionHeld: the redactor needs redact(text) → { count }.')
  const roles = new Set(expect.roles ?? ['assistant'])
  return {
    name: expect.name ?? 'redaction',
    run({ events, calls }) {
      const leaks: string[] = []
      let read = 0
      for (const event of events) {
        if (event.type !== 'message.created') continue
        const data = event.data as MessageCreatedData
        if (!roles.has(data.role) || typeof data.content !== 'string') continue
        read++
        if (redactor.redact(data.content).count > 0) leaks.push(event.id)
      }
      if (roles.has('assistant')) {
        for (const call of calls) {
          const text = call.response?.text
          if (typeof text !== 'string' || text === '') continue
          read++
          if (redactor.redact(text).count > 0) leaks.push(call.ended!.id)
        }
      }
      return { passed: leaks.length === 0, details: { texts: read, leaks: leaks.length }, eventIds: leaks }
    },
  }
}

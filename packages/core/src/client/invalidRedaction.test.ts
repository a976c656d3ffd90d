/** A redaction rule that cannot work fails at createRecorder(), on the page, never later in a capture call. */
import { expect, test } from 'vitest'
import { isTapedeckError } from '../errors'
import type { RedactOptions } from '../redact'
import { createRecorder } from './createRecorder'

function thrownBy(make: () => unknown): unknown {
  try {
    make()
  } catch (error) {
    return error
  }
  return undefined
}

test.each<[string, RedactOptions, string]>([
  ['a pattern matching the empty string', { patterns: [{ name: 'empty', pattern: 'x*' }] }, 'matches the empty string'],
  ['a pattern that is not a regex', { patterns: [{ name: 'broken', pattern: '(' }] }, 'is not a valid regular expression'],
  ['a pattern without a name', { patterns: [{ name: '', pattern: /x/ }] }, 'needs a non-empty name'],
  ['an unknown built-in', { builtins: ['email', 'ssn' as 'email'] }, 'Unknown built-in redaction rule "ssn"'],
  ['a malformed path', { paths: ['data.items.[0]'] }, 'a bracket follows its key directly'],
  ['paths that are not a list', { paths: 'data.x' as unknown as string[] }, 'redact.paths must be an array'],
])('%s: createRecorder throws invalid_redaction_rule', (_what, redact, message) => {
  const error = thrownBy(() => createRecorder({ redact }))
  expect(isTapedeckError(error)).toBe(true)
  expect(error).toMatchObject({ code: 'invalid_redaction_rule', message: expect.stringContaining(message) })
})

test('rules that work make a recorder, as before', () => {
  expect(() => createRecorder({ redact: { builtins: ['card'], patterns: [{ name: 'order', pattern: /ORD-\d+/ }], paths: ['data.messages[*].content'] } })).not.toThrow()
})

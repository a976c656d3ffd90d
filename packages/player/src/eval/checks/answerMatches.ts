import { playerError } from '../../playerError'
import type { Check } from '../Check'
import { schemaTest, type JsonSchema } from '../jsonSchema'
import { answersOf } from './answersOf'

export interface AnswerExpectation {
  /** A regular expression the answer must match (a string is read as its source). */
  pattern?: RegExp | string
  /** A JSON Schema the answer, parsed as JSON (a ```json fence is allowed), must match. */
  schema?: JsonSchema
  /** Which answers: the `last` (default), `every` one, or `any` one. */
  answers?: 'last' | 'every' | 'any'
  name?: string
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text)
  try {
    return { ok: true, value: JSON.parse(fenced ? fenced[1]! : text) }
  } catch {
    return { ok: false }
  }
}

/** The assistant's answer matches a regular expression and/or a JSON Schema. Points at the answers that do not. */
export function answerMatches(expect: AnswerExpectation): Check {
  if (expect.pattern === undefined && expect.schema === undefined) throw playerError('invalid_options', 'answerMatches needs a pattern or a schema.')
  const pattern = typeof expect.pattern === 'string' ? new RegExp(expect.pattern) : expect.pattern
  const test = expect.schema === undefined ? undefined : schemaTest(expect.schema)
  const which = expect.answers ?? 'last'
  return {
    name: expect.name ?? 'answer',
    run(context) {
      const all = answersOf(context)
      const judged = which === 'last' ? all.slice(-1) : all
      const failures: Array<{ eventId: string; reason: string }> = []
      for (const answer of judged) {
        if (pattern) {
          pattern.lastIndex = 0
          if (!pattern.test(answer.text)) {
            failures.push({ eventId: answer.eventId, reason: `does not match ${pattern}` })
            continue
          }
        }
        if (test) {
          const parsed = parseJson(answer.text)
          const result = parsed.ok ? test(parsed.value) : { valid: false, errors: ['not JSON'] }
          if (!result.valid) failures.push({ eventId: answer.eventId, reason: result.errors.join('; ') })
        }
      }
      const good = judged.length - failures.length
      const passed = judged.length > 0 && (which === 'any' ? good > 0 : failures.length === 0)
      return {
        passed,
        score: judged.length === 0 ? 0 : good / judged.length,
        details: { answers: which, judged: judged.length, failures: failures.slice(0, 5), ...(judged.length === 0 && { reason: 'no answer' }) },
        eventIds: failures.map((failure) => failure.eventId),
      }
    },
  }
}

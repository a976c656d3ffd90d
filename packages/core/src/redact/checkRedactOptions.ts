import { TapedeckError } from '../errors'
import { parsePath } from './parsePath'
import { BUILTIN_RULE_NAMES, type RedactOptions } from './types'

function invalid(message: string, cause?: unknown): TapedeckError {
  return new TapedeckError('invalid_redaction_rule', message, cause === undefined ? undefined : { cause })
}

/**
 * Throws `invalid_redaction_rule` for redaction options that cannot work — a bad regex, a pattern
 * matching the empty string, an unknown built-in, a malformed path — without building the
 * redactor: `createRecorder` calls it, so a broken rule fails there, on the page, and never later
 * in a capture call.
 */
export function checkRedactOptions(options: RedactOptions | undefined): void {
  if (options === undefined) return
  const { builtins } = options
  if (builtins !== undefined && typeof builtins !== 'boolean') {
    if (!Array.isArray(builtins)) throw invalid(`redact.builtins must be true, false or a list of rule names, got ${JSON.stringify(builtins)}.`)
    for (const name of builtins) {
      if (!(BUILTIN_RULE_NAMES as readonly string[]).includes(name)) {
        throw invalid(`Unknown built-in redaction rule ${JSON.stringify(name)}; expected some of ${BUILTIN_RULE_NAMES.join(', ')}.`)
      }
    }
  }
  list(options.patterns, 'patterns').map(compilePattern)
  list(options.paths, 'paths').map(parsePath)
}

function list<T>(value: T[] | undefined, option: string): T[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw invalid(`redact.${option} must be an array, got ${JSON.stringify(value)}.`)
  return value
}

/** A custom pattern's regex, checked: a name, a valid regex, no empty match; g, y and d dropped. */
export function compilePattern({ name, pattern }: { name: string; pattern: RegExp | string }): RegExp {
  if (typeof name !== 'string' || name === '') {
    throw invalid(`A redaction pattern needs a non-empty name (its matches become [name]), got ${JSON.stringify(name)}.`)
  }
  if (typeof pattern !== 'string' && !(pattern instanceof RegExp)) {
    throw invalid(`Redaction pattern "${name}" must be a RegExp or a string in RegExp syntax.`)
  }
  let regex: RegExp
  try {
    // g and y would make the regex stateful, d only adds indices: drop them.
    regex = typeof pattern === 'string' ? new RegExp(pattern) : new RegExp(pattern.source, pattern.flags.replace(/[gyd]/g, ''))
  } catch (error) {
    throw invalid(
      `Redaction pattern "${name}" is not a valid regular expression (${(error as Error).message}).`,
      error,
    )
  }
  if (regex.test('')) {
    throw invalid(
      `Redaction pattern "${name}" (/${regex.source}/) matches the empty string: make it match at least one character.`,
    )
  }
  return regex
}

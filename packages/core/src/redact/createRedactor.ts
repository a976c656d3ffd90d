import { checkRedactOptions, compilePattern } from './checkRedactOptions'
import { CREDENTIAL_KEYS, isCredentialKey } from './credentialKeys'
import { compilePaths, type PathState } from './paths'
import { BUILTIN_RULES, CREDENTIAL_RULES, type Rule } from './rules'
import { StringRedactor } from './StringRedactor'
import { BUILTIN_RULE_NAMES, type RedactOptions, type Redactor } from './types'

const REDACTED = '[redacted]'
const CREDENTIAL = '[credential]'

function builtinRules(builtins: RedactOptions['builtins'] = true): Rule[] {
  if (builtins === true) return BUILTIN_RULE_NAMES.flatMap((name) => BUILTIN_RULES[name])
  if (builtins === false) return []
  // In the built-in order, whatever the order of the list: card is tried before phone.
  return BUILTIN_RULE_NAMES.filter((name) => builtins.includes(name)).flatMap((name) => BUILTIN_RULES[name])
}

// Back-references and named groups are numbered or named per regex: such patterns keep their own.
const NOT_COMBINABLE = /\\[1-9]|\\k<|\(\?<[^=!]/

/** A custom pattern as a rule; one with flags (other than g/y/d) or back-references runs on its own. */
function customRule(pattern: { name: string; pattern: RegExp | string }): Rule {
  const regex = compilePattern(pattern)
  const replacement = `[${pattern.name}]`
  const combinable = regex.flags === '' && !NOT_COMBINABLE.test(regex.source)
  return {
    source: regex.source,
    replace: () => replacement,
    ...(combinable ? { groups: new RegExp(`${regex.source}|`).exec('')!.length - 1 } : { flags: regex.flags }),
  }
}

/** A credential key anywhere in JSON text: as an object key, or as the name of a header pair. */
const CREDENTIAL_KEY_IN_JSON = new RegExp(`"(?:${CREDENTIAL_KEYS.map((key) => key.replace(/[-_]/g, '[$&]')).join('|')})"`, 'i')

/**
 * A redactor for events: credentials always, plus the built-in rules, custom patterns and paths
 * of `options`. Throws a `TapedeckError` with code `invalid_redaction_rule` for an option it
 * cannot use (a bad regex, a pattern matching the empty string, a malformed path…).
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  checkRedactOptions(options)
  const custom = (options.patterns ?? []).map(customRule)
  const strings = new StringRedactor([...CREDENTIAL_RULES, ...custom, ...builtinRules(options.builtins)])
  const root = compilePaths(options.paths ?? [])
  let count = 0

  function replaceWhole(value: unknown, label: string): unknown {
    if (value === label || value === undefined) return value
    count++
    return label
  }

  /** The redacted form of one value: itself when nothing in it changed. */
  function visit(value: unknown, state: PathState | null): unknown {
    if (typeof value === 'string') return strings.redact(value)
    if (typeof value !== 'object' || value === null) return value
    if (Array.isArray(value)) return visitArray(value, state)
    const proto = Object.getPrototypeOf(value) as unknown
    if (proto === Object.prototype || proto === null) return visitObject(value as Record<string, unknown>, state)
    return value // Date, Map, typed arrays…: not JSON, left as they are
  }

  function visitArray(array: readonly unknown[], state: PathState | null): unknown[] {
    // A header as a [name, value] pair, as `[...headers]` gives them.
    const credentialPair = array.length === 2 && typeof array[0] === 'string' && isCredentialKey(array[0])
    let copy: unknown[] | undefined
    for (let i = 0; i < array.length; i++) {
      const item = array[i]
      const next = state === null ? null : state.item(i)
      const result =
        next !== null && next.matched
          ? replaceWhole(item, REDACTED)
          : credentialPair && i === 1
            ? replaceWhole(item, CREDENTIAL)
            : visit(item, next)
      if (copy === undefined && result !== item) copy = array.slice(0, i)
      if (copy !== undefined) copy.push(result)
    }
    return copy ?? (array as unknown[])
  }

  function visitObject(object: Record<string, unknown>, state: PathState | null): Record<string, unknown> {
    let copy: Record<string, unknown> | undefined
    for (const key in object) {
      const item = object[key]
      const next = state === null ? null : state.key(key)
      let result: unknown
      if (next !== null && next.matched) result = replaceWhole(item, REDACTED)
      else if (isCredentialKey(key)) result = replaceWhole(item, CREDENTIAL)
      else if (typeof item === 'string') result = strings.redact(item)
      else if (typeof item === 'object' && item !== null) result = visit(item, next)
      else continue // numbers, booleans, null
      if (result === item) continue
      copy ??= { ...object }
      // A JSON "__proto__" key is an own property; plain assignment would set the prototype.
      if (key === '__proto__') {
        Object.defineProperty(copy, key, { value: result, enumerable: true, writable: true, configurable: true })
      } else {
        copy[key] = result
      }
    }
    return copy ?? object
  }

  return {
    redact<T>(value: T): { value: T; count: number } {
      count = 0
      strings.count = 0
      const result = visit(value, root) as T
      return { value: result, count: count + strings.count }
    },

    mightRedactJson(json: string): boolean {
      // Paths and custom patterns need the parsed document; an escape (\n, \", \u…) makes the
      // text differ from the strings it holds, so only escape-free text is screened as a whole.
      if (root !== null || custom.length > 0 || json.includes('\\')) return true
      if (CREDENTIAL_KEY_IN_JSON.test(json)) return true
      // Every string of the document stands in its text as it is, between quotes, which no rule
      // takes as part of a match: a rule that finds nothing in the text finds nothing in them.
      const counted = strings.count
      const changed = strings.redact(json) !== json
      strings.count = counted
      return changed
    },
  }
}

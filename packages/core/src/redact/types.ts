/** The built-in detectors' names, in the order they are tried (card before phone). */
export const BUILTIN_RULE_NAMES = ['email', 'card', 'phone', 'iban', 'ip', 'jwt'] as const

/** A built-in detector; all are on unless `builtins` says otherwise. */
export type BuiltinRule = (typeof BUILTIN_RULE_NAMES)[number]

export interface RedactOptions {
  /** `true` (default) for every built-in rule, `false` for none, or the list to keep. */
  builtins?: boolean | BuiltinRule[]
  /** Custom patterns; each match becomes `[name]`. A string is read as RegExp source. */
  patterns?: Array<{ name: string; pattern: RegExp | string }>
  /**
   * JSON paths whose values become `[redacted]` whatever they hold: `data.user.address`,
   * `data.messages[*].content`, `data.**.password`, `headers.*`, `items[0].note`.
   */
  paths?: string[]
}

export interface Redactor {
  /**
   * A redacted copy of `value` and the number of replacements. Never mutates `value`; unchanged
   * subtrees are shared, and when nothing matched (`count` 0) `value` itself is returned.
   */
  redact<T>(value: T): { value: T; count: number }
  /**
   * Whether redacting the JSON document written as `json` could change anything. False only when
   * no rule can match: then the document need not be parsed at all. Always true with paths or
   * custom patterns.
   */
  mightRedactJson(json: string): boolean
}

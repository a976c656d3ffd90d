import { createRedactor, type RedactOptions } from '@tapedeck/core/redact'

/** Your own last step over each event's data (after the built-in rules), e.g. to drop a field. */
export type RedactFunction = (data: Record<string, unknown>, type: string) => Record<string, unknown>

/** One event's data, redacted, and how many values were replaced. */
export type EventRedactor = (type: string, data: Record<string, unknown>) => { data: Record<string, unknown>; count: number }

/**
 * The browser recorder's redaction (`createRecorder({ redact })`, docs/security.md), for the
 * events of a server: credentials always, the built-in rules unless `builtins` says otherwise,
 * the custom patterns, and the paths, which name fields as in a recorded event
 * (`data.messages[*].content`). Given the page's own `RedactOptions`, a server-side recording
 * holds nothing the page would have redacted. A function runs after the default rules.
 * Throws a `TapedeckError` (`invalid_redaction_rule`) for a rule that cannot work, as
 * `createRecorder` does.
 */
export function createEventRedactor(option: RedactOptions | RedactFunction | undefined): EventRedactor {
  const custom = typeof option === 'function' ? option : undefined
  const redactor = createRedactor(typeof option === 'function' ? {} : option)
  return (type, data) => {
    const { value, count } = redactor.redact({ data })
    return { data: custom ? custom(value.data, type) : value.data, count }
  }
}

/** The request header that names the browser session a backend call belongs to (docs/protocol.md, "Linked streams"). */
export const SESSION_HEADER = 'tapedeck-session'

/** The W3C trace header the page's `propagate` sends with it (docs/capture.md, "Correlation"). */
export const TRACE_HEADER = 'traceparent'

const ID = /^[A-Za-z0-9_-]{1,128}$/

/** A session id as the protocol allows it (`[A-Za-z0-9_-]{1,128}`), or undefined for anything else. */
export function sessionIdOf(value: string | readonly string[] | null | undefined): string | undefined {
  const text = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value
  return typeof text === 'string' && ID.test(text) ? text : undefined
}

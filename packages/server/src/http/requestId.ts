/** A caller's id is kept when it is safe to write into a log line and a header: visible ASCII, no spaces. */
const ACCEPTED = /^[\x21-\x7e]{1,128}$/

/** The request's `X-Request-Id` when it is acceptable, else a fresh UUID. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id')
  return given !== null && ACCEPTED.test(given) ? given : crypto.randomUUID()
}

/**
 * The server acts on exactly the path it checked (docs/server.md, "One path, one meaning").
 * A URL parser rewrites paths: `\` becomes `/`, `.`/`..`/`%2e` segments are resolved away,
 * some characters are percent-encoded. A proxy or access rule in front that matches the raw
 * path would then approve one session while the server acts on another. So:
 *
 * - an adapter that sees the raw request target (toNodeListener) refuses any target whose
 *   parsed path differs from it, and any `\`; it marks the Request, and the handler refuses it;
 * - the handler refuses encoded slashes, backslashes and dots in any form (`%2F`, `%5c`,
 *   `%2E`, and the same after `%25`), which a parser leaves alone but a later decode would not.
 *
 * A plain Fetch `Request` has only the parsed URL: a runtime that builds it from the raw target
 * (Deno, Bun, edge functions) has already resolved dot segments and backslashes, so such a
 * path cannot be refused there; mount the handler with toNodeListener, or have the proxy in
 * front refuse or normalise such paths, when raw paths matter.
 */
const refused = new WeakMap<Request, string>()

/** The reason a raw request target (`/v1/…?…` as sent) is refused, or null when its path is in normal form. */
export function rawPathProblem(target: string): string | null {
  if (!target.startsWith('/')) return 'The request target must be a path (origin form).'
  const raw = target.split('?', 1)[0]!
  if (raw.includes('\\')) return 'The path has a backslash.'
  if (new URL(target, 'http://localhost').pathname !== raw) return 'The path is not in normal form (dot segments, or characters a URL parser rewrites).'
  return null
}

/** Marks a Request built from a refused raw target. A mark in memory, not a header: a client cannot set or clear it. */
export function markRawPath(request: Request, problem: string): void {
  refused.set(request, problem)
}

const ENCODED_SEPARATOR = /%(?:25)*(?:2e|2f|5c)/i

/** Why the handler refuses this request's path, or null. */
export function pathProblem(request: Request, pathname: string): string | null {
  const marked = refused.get(request)
  if (marked !== undefined) return marked
  if (pathname.includes('\\')) return 'The path has a backslash.'
  if (ENCODED_SEPARATOR.test(pathname)) return 'The path has an encoded slash, backslash or dot.'
  return null
}

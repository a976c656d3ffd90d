/**
 * The instrumentation never records request headers. It also keeps the credentials a request
 * carried (the `Authorization` bearer, `x-api-key`, `?key=` …) and removes them from anything
 * it records — a provider echoing the key in an error message, an app pasting it in a prompt —
 * before the worker's redaction even runs.
 */

/** Request headers that carry credentials (lower case). */
export const CREDENTIAL_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'anthropic-api-key',
  'x-goog-api-key',
  'cookie',
  'x-auth-token',
]

const CREDENTIAL_PARAMS = ['key', 'api_key', 'api-key', 'apikey', 'access_token', 'token']
const MIN_SECRET = 8
export const CREDENTIAL_PLACEHOLDER = '[credential]'

/** The credential values a request carries, longest first. */
export function credentialsOf(url: URL, ...headerSets: Array<HeadersInit | undefined>): string[] {
  const found = new Set<string>()
  const add = (value: string | null | undefined) => {
    if (!value) return
    const bare = value.replace(/^(?:bearer|basic|token)\s+/i, '').trim()
    if (bare.length < MIN_SECRET) return
    found.add(bare)
    found.add(value.trim())
  }
  for (const init of headerSets) {
    if (!init) continue
    let headers: Headers
    try {
      headers = new Headers(init)
    } catch {
      continue
    }
    for (const name of CREDENTIAL_HEADERS) add(headers.get(name))
  }
  for (const name of CREDENTIAL_PARAMS) add(url.searchParams.get(name))
  return [...found].sort((a, b) => b.length - a.length)
}

/** A copy of a JSON-like value with every occurrence of the secrets replaced. */
export function scrubCredentials<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v
      for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(CREDENTIAL_PLACEHOLDER)
      return out
    }
    if (Array.isArray(v)) return v.map(scrub)
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(v)) out[key] = scrub(item)
      return out
    }
    return v
  }
  return scrub(value) as T
}

/** The URL as recorded: origin and path, no query (it may hold a key) and no fragment. */
export function recordableUrl(url: URL): string {
  return url.origin + url.pathname
}

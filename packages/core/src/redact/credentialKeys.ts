/** Object keys whose values are always removed, whatever the options (compared case-insensitively). */
export const CREDENTIAL_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'api_key',
  'apikey',
  'cookie',
  'set-cookie',
  'x-auth-token',
  'password',
  'secret',
  'access_token',
  'refresh_token',
  'client_secret',
]

const KEYS = new Set(CREDENTIAL_KEYS)
const MIN_LENGTH = Math.min(...CREDENTIAL_KEYS.map((key) => key.length))
const MAX_LENGTH = Math.max(...CREDENTIAL_KEYS.map((key) => key.length))
// Their first letters, either case: most keys are ruled out before lower-casing (which allocates).
const FIRST = new Set(CREDENTIAL_KEYS.flatMap((key) => [key.charCodeAt(0), key.toUpperCase().charCodeAt(0)]))

/** Whether the value under this object key (or header name) is a credential. */
export function isCredentialKey(key: string): boolean {
  return (
    key.length >= MIN_LENGTH && key.length <= MAX_LENGTH && FIRST.has(key.charCodeAt(0)) && KEYS.has(key.toLowerCase())
  )
}

import { ServerError } from '../ServerError.js'

export interface CorsOptions {
  /**
   * Browser origins allowed to call, compared exactly: scheme, host and port, no path, e.g.
   * ['https://app.example.com', 'http://localhost:5173']. '*' allows every origin, without credentials.
   */
  origins: readonly string[] | '*'
  /**
   * Sends `Access-Control-Allow-Credentials: true` to the listed origins, for calls that carry
   * cookies (`credentials: 'include'`). Needs an exact list: never with '*'.
   */
  credentials?: boolean
}

const ALLOW_HEADERS = 'Authorization, Content-Type, Content-Encoding, Idempotency-Key, Tapedeck-Session, Tapedeck-Seq, X-Request-Id'
const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS'
const EXPOSE_HEADERS = 'Content-Disposition, Retry-After, X-Request-Id'

/** Refuses a configuration a browser would reject or that allows more than it says. */
export function checkCors(cors: CorsOptions | undefined): void {
  if (!cors) return
  if (cors.origins === '*') {
    if (cors.credentials) throw new ServerError('invalid_options', "cors: credentials need an exact list of origins, not '*'.")
    return
  }
  for (const origin of cors.origins) {
    let parsed: URL | null = null
    try {
      parsed = new URL(origin)
    } catch {
      // reported below
    }
    // 'null' is what sandboxed frames and file: pages send: allowing it allows them all.
    // Origins are compared exactly, so a wildcard would never match: refuse it rather than ignore it.
    if (!parsed || parsed.origin === 'null' || parsed.origin !== origin || origin.includes('*')) {
      throw new ServerError('invalid_options', `cors: ${JSON.stringify(origin)} is not an origin; write it as scheme://host[:port], e.g. https://app.example.com, without a path or a trailing slash.`)
    }
  }
}

/** Headers that let the request's origin read the response; no Access-Control-* header when it is not allowed. */
export function corsHeaders(request: Request, cors: CorsOptions | undefined): Record<string, string> {
  const origin = request.headers.get('origin')
  if (!cors || origin === null) return {}
  if (cors.origins === '*') return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSE_HEADERS }
  // Vary is for caches (the answer depends on Origin), not a permission.
  if (!cors.origins.includes(origin)) return { Vary: 'Origin' }
  return {
    'Access-Control-Allow-Origin': origin,
    ...(cors.credentials && { 'Access-Control-Allow-Credentials': 'true' }),
    'Access-Control-Expose-Headers': EXPOSE_HEADERS,
    Vary: 'Origin',
  }
}

/** Answers an OPTIONS preflight: 204 for an allowed origin, 403 otherwise. */
export function preflight(request: Request, cors: CorsOptions | undefined): Response {
  const headers = corsHeaders(request, cors)
  if (!headers['Access-Control-Allow-Origin']) {
    throw new ServerError('origin_not_allowed', 'This origin may not call the server; add it to the cors origins.')
  }
  return new Response(null, {
    status: 204,
    headers: {
      ...headers,
      'Access-Control-Allow-Methods': ALLOW_METHODS,
      'Access-Control-Allow-Headers': ALLOW_HEADERS,
      'Access-Control-Max-Age': '600',
    },
  })
}

import { ServerError } from '../ServerError.js'

export interface CorsOptions {
  /** Origins allowed to call from a browser, e.g. ['https://app.example.com'], or '*'. */
  origins: readonly string[] | '*'
}

const ALLOW_HEADERS = 'Authorization, Content-Type, Content-Encoding, Idempotency-Key, Tapedeck-Session, Tapedeck-Seq'
const ALLOW_METHODS = 'GET, POST, PUT, DELETE, OPTIONS'
const EXPOSE_HEADERS = 'Content-Disposition, Retry-After, Tapedeck-Request-Id'

/** Headers that let the request's origin read the response; none when it is not allowed. */
export function corsHeaders(request: Request, cors: CorsOptions | undefined): Record<string, string> {
  const origin = request.headers.get('origin')
  if (!cors || origin === null) return {}
  if (cors.origins === '*') return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSE_HEADERS }
  if (!cors.origins.includes(origin)) return { Vary: 'Origin' }
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSE_HEADERS, Vary: 'Origin' }
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

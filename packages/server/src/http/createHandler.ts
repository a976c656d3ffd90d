import { ServerError } from '../ServerError.js'
import type { SessionStore } from '../store/SessionStore.js'
import { authorize, type Keys } from './authorize.js'
import { corsHeaders, preflight, type CorsOptions } from './cors.js'
import { DEFAULT_LIMITS, type Limits } from './requestContext.js'
import { errorResponse } from './responses.js'
import { matchRoute } from './routes.js'

export interface Logger {
  info(message: string): void
  error(message: string, error?: unknown): void
}

export interface HandlerOptions {
  store: SessionStore
  /** Keys that may only write (POST batches, PUT blobs). */
  ingestKeys?: readonly string[]
  /** Keys that may only read and erase. No keys at all: the server is open. */
  readKeys?: readonly string[]
  /** Browser origins allowed to call; without it no CORS headers are sent. */
  cors?: CorsOptions
  limits?: Partial<Limits>
  /** One line per request, never with event content. Default: console. false: silent. */
  log?: Logger | false
  /** Where the routes are mounted, e.g. '/api/tapedeck' in a Next.js route handler. */
  basePath?: string
}

export type Handler = (request: Request) => Promise<Response>

/** The Tapedeck server as a Fetch-API handler: PROTOCOL.md §2–§5. */
export function createHandler(options: HandlerOptions): Handler {
  const keys: Keys = { ingestKeys: options.ingestKeys ?? [], readKeys: options.readKeys ?? [] }
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits }
  const log = options.log === undefined ? console : options.log
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')

  async function answer(request: Request, url: URL, notes: string[]): Promise<Response> {
    if (request.method === 'OPTIONS') return preflight(request, options.cors)
    if (!url.pathname.startsWith(`${basePath}/`)) throw new ServerError('not_found', 'No such endpoint; see PROTOCOL.md.')
    const { route, params, access } = matchRoute(request.method, url.pathname.slice(basePath.length))
    if (access) authorize(request, access, keys)
    return route({ request, url, params, store: options.store, limits, note: (text) => notes.push(text) })
  }

  return async (request) => {
    const started = performance.now()
    const requestId = crypto.randomUUID().slice(0, 8)
    const url = new URL(request.url)
    const notes: string[] = []
    let response: Response
    let failure: unknown
    try {
      response = await answer(request, url, notes)
    } catch (error) {
      if (!(error instanceof ServerError)) failure = error
      const refusal = error instanceof ServerError
        ? error
        : new ServerError('internal_error', `The server failed; its log has request ${requestId}.`)
      notes.push(refusal.code)
      response = errorResponse(refusal)
    }
    response.headers.set('Tapedeck-Request-Id', requestId)
    response.headers.set('X-Content-Type-Options', 'nosniff')
    for (const [name, value] of Object.entries(corsHeaders(request, options.cors))) response.headers.set(name, value)
    if (log) {
      const ms = (performance.now() - started).toFixed(1)
      const line = [requestId, request.method, url.pathname.slice(0, 300), response.status, `${ms}ms`, ...notes].join(' ')
      if (failure === undefined) log.info(line)
      else log.error(line, failure)
    }
    return response
  }
}

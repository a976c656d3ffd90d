import { ServerError } from '../ServerError.js'
import type { SessionStore } from '../store/SessionStore.js'
import { authorize, bearerToken, checkKeys, isOpen, type Caller, type Keys, type KeyKind } from './authorize.js'
import { checkCors, corsHeaders, preflight, type CorsOptions } from './cors.js'
import { createRateLimiter, type RateLimit, type RateLimiter } from './createRateLimiter.js'
import { createIngestGate } from './ingestGate.js'
import { pathProblem } from './pathCheck.js'
import { DEFAULT_LIMITS, type Limits } from './requestContext.js'
import { requestIdOf } from './requestId.js'
import { errorResponse } from './responses.js'
import { matchRoute, type MatchedRoute } from './routes.js'
import { isShareToken, shareCaller } from './shareTokens.js'

export interface Logger {
  info(message: string): void
  error(message: string, error?: unknown): void
}

/** A token bucket per key, by the key's kind; a kind without one is not limited. */
export type RateLimits = Partial<Record<KeyKind, RateLimit>>

export interface HandlerOptions {
  store: SessionStore
  /** Keys that send: POST batches, PUT blobs, and (unless ingestCanErase is false) erase one session by id. */
  ingestKeys?: readonly string[]
  /** Keys that only read: every GET. */
  readKeys?: readonly string[]
  /** Keys that read, write review annotations and make share links; they cannot ingest, erase or hold. */
  reviewKeys?: readonly string[]
  /** Keys that read, erase (by session and by user) and place or release legal holds. No keys at all: the server is open. */
  adminKeys?: readonly string[]
  /** Lets an ingest key erase one session by id, so a recorder can honour withdrawn consent. Default true. */
  ingestCanErase?: boolean
  /** Browser origins allowed to call; without it no CORS headers are sent. */
  cors?: CorsOptions
  limits?: Partial<Limits>
  /** Requests per second per key, e.g. `{ ingest: { perSecond: 50, burst: 200 } }`; refused with 429 and Retry-After. */
  rateLimits?: RateLimits
  /** One line per request, never with event content. Default: console. false: silent. */
  log?: Logger | false
  /** Where the routes are mounted, e.g. '/api/tapedeck' in a Next.js route handler. */
  basePath?: string
  /** The clock, epoch ms: rate limits, when writes are received (for retention), when holds are placed. */
  now?: () => number
}

export type Handler = (request: Request) => Promise<Response>

/** The Tapedeck server as a Fetch-API handler: docs/protocol.md §2–§5. */
export function createHandler(options: HandlerOptions): Handler {
  const keys: Keys = {
    ingestKeys: options.ingestKeys ?? [],
    readKeys: options.readKeys ?? [],
    reviewKeys: options.reviewKeys ?? [],
    adminKeys: options.adminKeys ?? [],
    ingestCanErase: options.ingestCanErase ?? true,
  }
  checkKeys(keys)
  checkCors(options.cors)
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits }
  const admitIngest = createIngestGate(limits)
  const log = options.log === undefined ? console : options.log
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  const now = options.now ?? Date.now
  const limiters = new Map<KeyKind, RateLimiter>()
  for (const [kind, limit] of Object.entries(options.rateLimits ?? {}) as Array<[KeyKind, RateLimit | undefined]>) {
    if (limit) limiters.set(kind, createRateLimiter(limit, now))
  }
  const keyed = !isOpen(keys)

  /** The caller, from a key or a share link's token; throws 401/403 when it may not call the route. */
  async function callerFor(request: Request, matched: MatchedRoute & { access: NonNullable<MatchedRoute['access']> }): Promise<Caller> {
    const token = bearerToken(request)
    if (!keyed || token === undefined || !isShareToken(token)) return authorize(request, matched.access, keys)
    const caller = await shareCaller(token, options.store, now())
    const own = matched.shareable === 'any' || (matched.shareable === 'session' && matched.params.sessionId === caller.share!.sessionId)
    if (matched.access !== 'read' || !own) throw new ServerError('forbidden', 'A share link reads its own session only.')
    return caller
  }

  async function answer(request: Request, url: URL, notes: string[]): Promise<Response> {
    const problem = pathProblem(request, url.pathname)
    if (problem !== null) throw new ServerError('invalid_path', problem)
    if (request.method === 'OPTIONS') return preflight(request, options.cors)
    if (!url.pathname.startsWith(`${basePath}/`)) throw new ServerError('not_found', 'No such endpoint; see docs/protocol.md.')
    const matched = matchRoute(request.method, url.pathname.slice(basePath.length))
    const { route, params, access } = matched
    let caller: Caller | null = null
    if (access) {
      caller = await callerFor(request, { ...matched, access })
      if (keyed) notes.push(`key=${caller.kind}`)
      const wait = limiters.get(caller.limit)?.take(caller.bucket) ?? 0
      if (wait > 0) {
        throw new ServerError('rate_limited', `Too many requests for this key; try again in ${wait} s.`, { headers: { 'Retry-After': String(wait) } })
      }
    }
    return route({ request, url, params, store: options.store, limits, admitIngest, now, caller, note: (text) => notes.push(text) })
  }

  return async (request) => {
    const started = performance.now()
    const requestId = requestIdOf(request)
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
      response = errorResponse(refusal, requestId)
    }
    response.headers.set('X-Request-Id', requestId)
    response.headers.set('X-Content-Type-Options', 'nosniff')
    for (const [name, value] of Object.entries(corsHeaders(request, options.cors))) response.headers.set(name, value)
    if (request.method === 'HEAD' && response.body) {
      await response.body.cancel()
      response = new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers })
    }
    if (log) {
      const ms = (performance.now() - started).toFixed(1)
      const line = [requestId, request.method, loggedPath(url.pathname), response.status, `${ms}ms`, ...notes].join(' ')
      if (failure === undefined) log.info(line)
      else log.error(line, loggable(failure))
    }
    return response
  }
}

/** The path as logged: a user id (often an e-mail address) is personal data, so it is left out. */
function loggedPath(pathname: string): string {
  return pathname.slice(0, 300).replace(/\/v1\/users\/[^/]*/, '/v1/users/*')
}

/**
 * A failure as logged: name, message, code and stack. Fields a driver adds (PostgreSQL's
 * `detail` can quote a whole row) are left out, so a recorded value cannot reach the log that way.
 */
function loggable(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(`non-Error thrown: ${typeof error}`)
  const copy = new Error(error.message)
  copy.name = error.name
  if (error.stack !== undefined) copy.stack = error.stack
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code })
  return copy
}

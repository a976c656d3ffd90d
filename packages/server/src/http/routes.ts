import { assertId } from '../ids.js'
import { ServerError } from '../ServerError.js'
import { getAccess } from './accessRoutes.js'
import { deleteAnnotation, listAnnotations, patchAnnotation, postAnnotation } from './annotationRoutes.js'
import type { Access } from './authorize.js'
import { exportSessions } from './exportRoutes.js'
import { deleteShare, listShares, postShare } from './shareRoutes.js'
import { getCheckStats, getStats } from './statsRoutes.js'
import { deleteHold, deleteSession, deleteUser, getHold, putHold } from './eraseRoutes.js'
import { postBatch, putBlob } from './ingestRoutes.js'
import { exportSession, getBlob, getEvents, getSession, listSessions } from './readRoutes.js'
import type { Route } from './requestContext.js'
import { json } from './responses.js'
import { checkUserId } from './checkUserId.js'

/**
 * Where a share link's token may go: 'session', the routes of its own session ({sessionId});
 * 'any', routes about the caller alone (GET /v1/access).
 */
export type Shareable = 'session' | 'any'

/** A route and what it needs; null: anyone may call it. A share token reaches only routes marked shareable. */
type Method = readonly [Route, Access | null, Shareable?]

interface RouteTable {
  pattern: string[]
  methods: Record<string, Method>
}

const health: Route = async () => json(200, { ok: true })

/** Every route with the access it needs, per method: docs/server.md lists the same table. */
const ROUTES: RouteTable[] = [
  { pattern: ['healthz'], methods: { GET: [health, null] } },
  { pattern: ['v1', 'batches'], methods: { POST: [postBatch, 'ingest'] } },
  { pattern: ['v1', 'access'], methods: { GET: [getAccess, 'read', 'any'] } },
  { pattern: ['v1', 'sessions'], methods: { GET: [listSessions, 'read'] } },
  { pattern: ['v1', 'stats'], methods: { GET: [getStats, 'read'] } },
  { pattern: ['v1', 'stats', 'checks'], methods: { GET: [getCheckStats, 'read'] } },
  { pattern: ['v1', 'export'], methods: { GET: [exportSessions, 'read'] } },
  { pattern: ['v1', 'sessions', ':sessionId'], methods: { GET: [getSession, 'read', 'session'], DELETE: [deleteSession, 'erase'] } },
  { pattern: ['v1', 'sessions', ':sessionId', 'events'], methods: { GET: [getEvents, 'read', 'session'] } },
  { pattern: ['v1', 'sessions', ':sessionId', 'export'], methods: { GET: [exportSession, 'read', 'session'] } },
  { pattern: ['v1', 'sessions', ':sessionId', 'hold'], methods: { GET: [getHold, 'read'], PUT: [putHold, 'admin'], DELETE: [deleteHold, 'admin'] } },
  { pattern: ['v1', 'sessions', ':sessionId', 'blobs', ':blobId', ':part'], methods: { GET: [getBlob, 'read', 'session'], PUT: [putBlob, 'ingest'] } },
  {
    pattern: ['v1', 'sessions', ':sessionId', 'annotations'],
    methods: { GET: [listAnnotations, 'read', 'session'], POST: [postAnnotation, 'review'] },
  },
  {
    pattern: ['v1', 'sessions', ':sessionId', 'annotations', ':annotationId'],
    methods: { PATCH: [patchAnnotation, 'review'], DELETE: [deleteAnnotation, 'review'] },
  },
  { pattern: ['v1', 'sessions', ':sessionId', 'shares'], methods: { GET: [listShares, 'review'], POST: [postShare, 'review'] } },
  { pattern: ['v1', 'sessions', ':sessionId', 'shares', ':shareId'], methods: { DELETE: [deleteShare, 'review'] } },
  { pattern: ['v1', 'users'], methods: { DELETE: [deleteUser, 'admin'] } },
  { pattern: ['v1', 'users', ':userId'], methods: { DELETE: [deleteUser, 'admin'] } },
]

export interface MatchedRoute {
  route: Route
  params: Record<string, string>
  /** null for routes anyone may call. */
  access: Access | null
  /** Whether (and how far) a share link's token may call it; undefined: never. */
  shareable: Shareable | undefined
}

export interface RouteInfo {
  method: string
  /** e.g. /v1/sessions/{sessionId}/hold */
  path: string
  access: Access | null
}

/** Every method and path the server answers, with its access: for tests and docs. */
export function listRoutes(): RouteInfo[] {
  return ROUTES.flatMap(({ pattern, methods }) =>
    Object.entries(methods).map(([method, [, access]]) => ({
      method,
      path: `/${pattern.map((part) => (part.startsWith(':') ? `{${part.slice(1)}}` : part)).join('/')}`,
      access,
    })),
  )
}

/** Finds the route for a method and path (below the base path), checking every id in it. */
export function matchRoute(method: string, path: string): MatchedRoute {
  const segments = path.split('/').slice(1)
  const table = ROUTES.find(({ pattern }) => pattern.length === segments.length && pattern.every((part, i) => part.startsWith(':') || part === segments[i]))
  if (!table) throw new ServerError('not_found', 'No such endpoint; see docs/protocol.md.')
  // HEAD is GET without the body (RFC 9110 §9.3.2): uptime checks and Next.js's HEAD-from-GET use it.
  const asMethod = method === 'HEAD' && Object.hasOwn(table.methods, 'GET') ? 'GET' : method
  const found = Object.hasOwn(table.methods, asMethod) ? table.methods[asMethod] : undefined
  if (!found) {
    const allowed = Object.keys(table.methods).flatMap((name) => (name === 'GET' ? ['GET', 'HEAD'] : [name]))
    throw new ServerError('method_not_allowed', `Use ${allowed.join(' or ')}.`, { headers: { Allow: allowed.join(', ') } })
  }
  const params: Record<string, string> = {}
  table.pattern.forEach((part, i) => {
    if (part.startsWith(':')) params[part.slice(1)] = checkParam(part.slice(1), segments[i]!)
  })
  return { route: found[0], params, access: found[1], shareable: found[2] }
}

/**
 * Ids are checked as they appear in the URL, still percent-encoded, so %00 or a space can never
 * reach a store (an encoded slash or dot is refused before: pathCheck.ts). A user id is not
 * used in paths: any text without control characters.
 */
function checkParam(name: string, raw: string): string {
  if (name !== 'userId') return assertId(raw, name)
  let userId: string
  try {
    userId = decodeURIComponent(raw)
  } catch (error) {
    throw new ServerError('invalid_id', 'userId is not valid percent-encoding.', { cause: error })
  }
  return checkUserId(userId)
}

import { assertId } from '../ids.js'
import { ServerError } from '../ServerError.js'
import type { Access } from './authorize.js'
import { postBatch, putBlob } from './ingestRoutes.js'
import { deleteSession, deleteUser, exportSession, getBlob, getEvents, getSession, listSessions } from './readRoutes.js'
import type { Route } from './requestContext.js'
import { json } from './responses.js'

interface RouteTable {
  pattern: string[]
  methods: Record<string, Route>
}

const health: Route = async () => json(200, { ok: true })

const ROUTES: RouteTable[] = [
  { pattern: ['healthz'], methods: { GET: health } },
  { pattern: ['v1', 'batches'], methods: { POST: postBatch } },
  { pattern: ['v1', 'sessions'], methods: { GET: listSessions } },
  { pattern: ['v1', 'sessions', ':sessionId'], methods: { GET: getSession, DELETE: deleteSession } },
  { pattern: ['v1', 'sessions', ':sessionId', 'events'], methods: { GET: getEvents } },
  { pattern: ['v1', 'sessions', ':sessionId', 'export'], methods: { GET: exportSession } },
  { pattern: ['v1', 'sessions', ':sessionId', 'blobs', ':blobId', ':part'], methods: { GET: getBlob, PUT: putBlob } },
  { pattern: ['v1', 'users', ':userId'], methods: { DELETE: deleteUser } },
]

export interface MatchedRoute {
  route: Route
  params: Record<string, string>
  /** null for routes anyone may call. */
  access: Access | null
}

/** Finds the route for a method and path (below the base path), checking every id in it. */
export function matchRoute(method: string, path: string): MatchedRoute {
  const segments = path.split('/').slice(1)
  const table = ROUTES.find(({ pattern }) => pattern.length === segments.length && pattern.every((part, i) => part.startsWith(':') || part === segments[i]))
  if (!table) throw new ServerError('not_found', 'No such endpoint; see PROTOCOL.md.')
  const route = Object.hasOwn(table.methods, method) ? table.methods[method] : undefined
  if (!route) throw new ServerError('method_not_allowed', `Use ${Object.keys(table.methods).join(' or ')}.`)
  const params: Record<string, string> = {}
  table.pattern.forEach((part, i) => {
    if (part.startsWith(':')) params[part.slice(1)] = checkParam(part.slice(1), segments[i]!)
  })
  const access = table.pattern[0] !== 'v1' ? null : method === 'POST' || method === 'PUT' ? 'write' : 'read'
  return { route, params, access }
}

/**
 * Ids are checked as they appear in the URL, still percent-encoded, so %2F, %00 or %2E%2E
 * can never reach a store. A user id is not used in paths: any text without control characters.
 */
function checkParam(name: string, raw: string): string {
  if (name !== 'userId') return assertId(raw, name)
  let userId: string
  try {
    userId = decodeURIComponent(raw)
  } catch (error) {
    throw new ServerError('invalid_id', 'userId is not valid percent-encoding.', { cause: error })
  }
  if (userId.length < 1 || userId.length > 256 || /\p{Cc}/u.test(userId)) {
    throw new ServerError('invalid_id', 'userId must be 1 to 256 characters without control characters.')
  }
  return userId
}

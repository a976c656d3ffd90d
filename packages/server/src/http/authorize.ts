import { ServerError } from '../ServerError.js'

/**
 * What a route needs. `ingest`: send batches and blobs. `read`: every GET of recordings.
 * `review`: write review annotations, make and revoke share links. `erase`: erase one session
 * by id. `admin`: erase by user, place and release legal holds.
 */
export type Access = 'ingest' | 'read' | 'review' | 'erase' | 'admin'

/** The kinds of key. A read key only reads; a review key reads and reviews; an admin key reads, reviews, erases and holds. */
export type KeyKind = 'ingest' | 'read' | 'review' | 'admin'

export interface Keys {
  ingestKeys: readonly string[]
  readKeys: readonly string[]
  reviewKeys: readonly string[]
  adminKeys: readonly string[]
  /** Whether an ingest key may erase one session by id (the recorder's erase on withdrawn consent). */
  ingestCanErase: boolean
}

/** Who is calling, as far as limits are concerned; never the key itself in a log. */
export interface Caller {
  /** The kind of the key sent; 'open' when the server has no keys; 'share' for a share link's token. */
  kind: KeyKind | 'open' | 'share'
  /** Which rate limit applies: the key's kind, or on an open server the route's; a share token's is read. */
  limit: KeyKind
  /** One token bucket per key (per limit kind on an open server, per link for share tokens). */
  bucket: string
  /** For a share token: the one session it reads, until when. */
  share?: { sessionId: string; expiresAt: number }
}

const KEY = /^[\x21-\x7e]+$/

/** Refuses keys that could never be sent in a header, and a key listed under two kinds. */
export function checkKeys(keys: Keys): void {
  const seen = new Map<string, KeyKind>()
  for (const [kind, list] of [['ingest', keys.ingestKeys], ['read', keys.readKeys], ['review', keys.reviewKeys], ['admin', keys.adminKeys]] as const) {
    for (const key of list) {
      if (typeof key !== 'string' || !KEY.test(key)) {
        throw new ServerError('invalid_options', `Every ${kind} key must be visible ASCII without spaces, as it is sent in Authorization: Bearer.`)
      }
      const other = seen.get(key)
      if (other && other !== kind) throw new ServerError('invalid_options', `A key is listed as both ${other} and ${kind} key; give each kind its own keys.`)
      seen.set(key, kind)
    }
  }
}

/** The key kinds each access admits. */
function admits(access: Access, keys: Keys): readonly KeyKind[] {
  switch (access) {
    case 'ingest':
      return ['ingest']
    case 'read':
      return ['read', 'review', 'admin']
    case 'review':
      return ['review', 'admin']
    case 'erase':
      return keys.ingestCanErase ? ['admin', 'ingest'] : ['admin']
    case 'admin':
      return ['admin']
  }
}

const NEEDS: Record<Access, string> = {
  ingest: 'sending takes an ingest key',
  read: 'reading takes a read, review or admin key',
  review: 'annotations and share links take a review or admin key',
  erase: 'erasing a session takes an admin key',
  admin: 'erasing by user and legal holds take an admin key',
}

/**
 * Checks `Authorization: Bearer <key>` against what the route needs. With no key configured
 * at all, everything is open; once any key is configured, a kind whose list is empty is closed.
 */
export function authorize(request: Request, access: Access, keys: Keys): Caller {
  const allowed = admits(access, keys)
  if (isOpen(keys)) {
    const limit = access === 'erase' ? 'admin' : access
    return { kind: 'open', limit, bucket: `open:${limit}` }
  }
  const token = bearerToken(request)
  if (token === undefined) throw new ServerError('unauthorized', 'Send Authorization: Bearer <key>.')
  const kind = kindOf(token, keys)
  if (kind === null) throw new ServerError('unauthorized', 'The key is not valid.')
  if (!allowed.includes(kind)) {
    const erase = access === 'erase' && keys.ingestCanErase ? `${NEEDS.erase} or an ingest key` : NEEDS[access]
    throw new ServerError('forbidden', `${kind === 'ingest' || kind === 'admin' ? 'An' : 'A'} ${kind} key may not do this: ${erase}.`)
  }
  return { kind, limit: kind, bucket: `${kind}:${token}` }
}

/** With no key configured at all, everything is open. */
export function isOpen(keys: Keys): boolean {
  return keys.ingestKeys.length + keys.readKeys.length + keys.reviewKeys.length + keys.adminKeys.length === 0
}

/** The token of `Authorization: Bearer <token>`, if the header is one. */
export function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1]
}

function kindOf(token: string, keys: Keys): KeyKind | null {
  if (keys.adminKeys.some((key) => safeEqual(key, token))) return 'admin'
  if (keys.reviewKeys.some((key) => safeEqual(key, token))) return 'review'
  if (keys.readKeys.some((key) => safeEqual(key, token))) return 'read'
  if (keys.ingestKeys.some((key) => safeEqual(key, token))) return 'ingest'
  return null
}

/** Compares without stopping at the first difference, so timing tells nothing about the key. */
export function safeEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

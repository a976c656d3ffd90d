import { createHash, randomBytes } from 'node:crypto'
import { isId } from '../ids.js'
import { ServerError } from '../ServerError.js'
import type { SessionStore } from '../store/SessionStore.js'
import { safeEqual, type Caller } from './authorize.js'

const PREFIX = 'tds.'

export interface NewShareToken {
  shareId: string
  token: string
  tokenHash: string
}

/**
 * A share link's token: `tds.{sessionId}.{shareId}.{secret}`, 32 random bytes of secret. The
 * ids in it only say where to look; what proves the token is its SHA-256, the one thing stored.
 */
export function newShareToken(sessionId: string): NewShareToken {
  const shareId = `sh_${randomBytes(12).toString('base64url')}`
  const token = `${PREFIX}${sessionId}.${shareId}.${randomBytes(32).toString('base64url')}`
  return { shareId, token, tokenHash: hashToken(token) }
}

export function isShareToken(token: string): boolean {
  return token.startsWith(PREFIX)
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/**
 * The caller a share token stands for, or 401: unknown or revoked (`unauthorized`), expired
 * (`share_expired`). What it may then reach is the route's business (shareableBy).
 */
export async function shareCaller(token: string, store: SessionStore, now: number): Promise<Caller> {
  const [sessionId = '', shareId = '', secret = '', ...rest] = token.slice(PREFIX.length).split('.')
  const share = isId(sessionId) && isId(shareId) && secret !== '' && rest.length === 0 ? await store.getShare(sessionId, shareId) : null
  if (!share || !safeEqual(share.tokenHash, hashToken(token))) throw new ServerError('unauthorized', 'The share link is not valid: it was revoked, or its session erased.')
  if (share.expiresAt <= now) throw new ServerError('share_expired', 'The share link has expired; ask for a new one.')
  return { kind: 'share', limit: 'read', bucket: `share:${share.id}`, share: { sessionId: share.sessionId, expiresAt: share.expiresAt } }
}

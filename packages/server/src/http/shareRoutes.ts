import type { ShareLink } from '@tapedeck/core'
import { ServerError } from '../ServerError.js'
import type { ShareRecord } from '../store/SessionStore.js'
import type { RequestContext } from './requestContext.js'
import { readJsonBody } from './readJsonBody.js'
import { json } from './responses.js'
import { newShareToken } from './shareTokens.js'

const MIN_EXPIRY = 60_000
const MAX_EXPIRY = 90 * 86_400_000
const DEFAULT_EXPIRY = 7 * 86_400_000
/** Links that have not expired, per session. */
export const MAX_SHARES = 100

/** POST /v1/sessions/{id}/shares `{ expiresInMs }`: 201 `{ share, token }`; the token is never shown again. */
export async function postShare({ request, params, store, now, note }: RequestContext): Promise<Response> {
  const body = await readJsonBody(request, 4096)
  const other = Object.keys(body).find((field) => field !== 'expiresInMs')
  if (other !== undefined) throw new ServerError('invalid_body', 'The only field is expiresInMs.')
  const expiresInMs = body.expiresInMs ?? DEFAULT_EXPIRY
  if (typeof expiresInMs !== 'number' || !Number.isInteger(expiresInMs) || expiresInMs < MIN_EXPIRY || expiresInMs > MAX_EXPIRY) {
    throw new ServerError('invalid_body', `expiresInMs must be an integer from ${MIN_EXPIRY} (a minute) to ${MAX_EXPIRY} (90 days).`)
  }
  const sessionId = params.sessionId!
  const { shareId, token, tokenHash } = newShareToken(sessionId)
  const at = now()
  const record: ShareRecord = { id: shareId, sessionId, tokenHash, createdAt: at, expiresAt: at + expiresInMs }
  const result = await store.addShare(record, MAX_SHARES, at)
  if (result === 'session_not_found') throw new ServerError('session_not_found', 'No such session.')
  if (result === 'too_many') throw new ServerError('too_many_shares', `A session has at most ${MAX_SHARES} live share links; revoke some first.`)
  note(`share=${shareId}`)
  return json(201, { share: linkOf(record), token })
}

/** GET /v1/sessions/{id}/shares: the links that have not expired, without tokens. */
export async function listShares({ params, store, now }: RequestContext): Promise<Response> {
  const at = now()
  const shares = (await store.listShares(params.sessionId!)).filter((share) => share.expiresAt > at).map(linkOf)
  return json(200, { shares })
}

/** DELETE /v1/sessions/{id}/shares/{shareId}: the token stops working at once. */
export async function deleteShare({ params, store, note }: RequestContext): Promise<Response> {
  if (!(await store.deleteShare(params.sessionId!, params.shareId!))) throw new ServerError('share_not_found', 'No such share link.')
  note(`share=${params.shareId} revoked`)
  return json(200, { deleted: params.shareId })
}

function linkOf({ id, sessionId, createdAt, expiresAt }: ShareRecord): ShareLink {
  return { id, sessionId, createdAt, expiresAt }
}

import { ServerError } from '../ServerError.js'
import { eraseReport } from '../store/eraseReport.js'
import type { EraseReport, EraseResult, SessionStore } from '../store/SessionStore.js'
import { readBody } from './readBody.js'
import type { RequestContext } from './requestContext.js'
import { json } from './responses.js'
import { checkUserId } from './checkUserId.js'
import { singleParam } from './sessionQuery.js'

const MAX_HOLD_BODY = 16 * 1024
const MAX_REASON = 1000

/**
 * DELETE /v1/sessions/{id}: 200, 404 when nothing is stored, 423 while it is held. The streams
 * linked to it (docs/protocol.md, "Linked streams") go with it; one that is held stays and is
 * named in `held`.
 */
export async function deleteSession({ params, store, note }: RequestContext): Promise<Response> {
  const id = params.sessionId!
  const result = await store.deleteSession(id)
  note(result)
  if (result === 'held') {
    throw new ServerError('session_held', `Session ${id} is under legal hold and was not erased; an admin key can release it with DELETE /v1/sessions/${id}/hold.`)
  }
  const streams = await eraseStreams(store, [id])
  if (result === 'not_found' && streams.erased.length === 0 && streams.held.length === 0) throw new ServerError('session_not_found', 'No such session.')
  const deleted = result === 'erased' ? [id, ...streams.erased] : streams.erased
  return json(200, { deleted, ...(streams.held.length && { held: streams.held }) })
}

/** Erases the streams linked to these (erased) sessions. */
async function eraseStreams(store: SessionStore, parents: readonly string[]): Promise<EraseReport> {
  const results: Array<[string, EraseResult]> = []
  for (const parent of parents) {
    for (const stream of await store.linkedStreams(parent)) results.push([stream, await store.deleteSession(stream)])
  }
  return eraseReport(results)
}

/**
 * DELETE /v1/users/{userId} or /v1/users?userId=…: erases the user's sessions except held ones,
 * and names those. The query form carries ids a path may not (an encoded `/`, `\` or `.`).
 */
export async function deleteUser({ params, url, store, note }: RequestContext): Promise<Response> {
  const userId = params.userId ?? checkUserId(singleParam(url.searchParams, 'userId') ?? '')
  const { erased, held } = await store.deleteUser(userId)
  const streams = await eraseStreams(store, erased)
  note(`erased=${erased.length + streams.erased.length} held=${held.length + streams.held.length}`)
  return json(200, { deleted: [...erased, ...streams.erased], held: [...held, ...streams.held] })
}

/** GET /v1/sessions/{id}/hold: `{ hold }`, null when the session is not held. */
export async function getHold({ params, store }: RequestContext): Promise<Response> {
  return json(200, { hold: await store.getHold(params.sessionId!) })
}

/** PUT /v1/sessions/{id}/hold with an optional `{"reason": "…"}`: places the hold, or replaces its reason. */
export async function putHold({ request, params, store, now, note }: RequestContext): Promise<Response> {
  const id = params.sessionId!
  const reason = await readReason(request)
  const current = await store.getHold(id)
  const hold = { reason, since: current?.since ?? now() }
  if (!(await store.setHold(id, hold))) throw new ServerError('session_not_found', 'No such session: nothing is stored under this id.')
  note(current ? 'hold=replaced' : 'hold=placed')
  return json(200, { hold })
}

/** DELETE /v1/sessions/{id}/hold: releases it; retention and erasure apply again. */
export async function deleteHold({ params, store, note }: RequestContext): Promise<Response> {
  if (!(await store.setHold(params.sessionId!, null))) throw new ServerError('session_not_found', 'No such session: nothing is stored under this id.')
  note('hold=released')
  return json(200, { hold: null })
}

async function readReason(request: Request): Promise<string> {
  const text = new TextDecoder().decode(await readBody(request, MAX_HOLD_BODY)).trim()
  if (text === '') return ''
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') throw new ServerError('unsupported_media_type', 'Send the hold as Content-Type: application/json.')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw new ServerError('invalid_body', 'The hold must be JSON: {"reason": "…"}.', { cause: error })
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ServerError('invalid_body', 'The hold must be a JSON object: {"reason": "…"}.')
  const reason = (body as { reason?: unknown }).reason ?? ''
  if (typeof reason !== 'string' || reason.length > MAX_REASON) {
    throw new ServerError('invalid_body', `reason must be a string of at most ${MAX_REASON} characters.`)
  }
  return reason
}

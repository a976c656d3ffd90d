import { isId } from '../ids.js'
import { ServerError } from '../ServerError.js'
import type { SeqRange } from '@tapedeck/core'
import { decodeBatch } from './decodeBatch.js'
import { readBody } from './readBody.js'
import type { RequestContext } from './requestContext.js'
import { json } from './responses.js'

const KEY = /^[\x21-\x7e]{1,256}$/
const SEQ_RANGE = /^(\d{1,16})-(\d{1,16})$/

/** POST /v1/batches (docs/protocol.md §2): 201 when stored, 200 when the key was already stored. */
export async function postBatch({ request, store, limits, admitIngest, now, note }: RequestContext): Promise<Response> {
  const gzip = bodyEncoding(request)
  if (mediaType(request) !== 'application/x-ndjson') {
    throw new ServerError('unsupported_media_type', 'Send Content-Type: application/x-ndjson.')
  }
  const sessionId = request.headers.get('tapedeck-session') ?? ''
  if (!isId(sessionId)) throw new ServerError('invalid_session_header', 'Tapedeck-Session must match [A-Za-z0-9_-]{1,128}.')
  const range = SEQ_RANGE.exec(request.headers.get('tapedeck-seq') ?? '')
  const firstSeq = Number(range?.[1])
  const lastSeq = Number(range?.[2])
  if (!range || !Number.isSafeInteger(lastSeq) || firstSeq > lastSeq) {
    throw new ServerError('invalid_seq_header', 'Tapedeck-Seq must be FIRST-LAST, two integers with FIRST <= LAST.')
  }
  const key = request.headers.get('idempotency-key') ?? ''
  if (!KEY.test(key)) throw new ServerError('invalid_idempotency_key', 'Idempotency-Key must be 1 to 256 visible ASCII characters.')
  const parent = parentOf(request, sessionId)
  note(`session=${sessionId} seq=${firstSeq}-${lastSeq}${parent ? ` parent=${parent}` : ''}`)

  const result = await admitIngest(async () => {
    // A linked stream (docs/protocol.md, "Linked streams"): the link first, so a stream is never read without its parent.
    if (parent && (await store.linkStream(sessionId, parent)) === 'conflict') {
      throw new ServerError('parent_mismatch', `Session ${sessionId} is linked to another parent than the Tapedeck-Parent header.`)
    }
    const body = await readBody(request, limits.maxBodyBytes)
    const events = decodeBatch(body, gzip, { sessionId, firstSeq, lastSeq }, limits)
    return store.putBatch({ sessionId, key, firstSeq, lastSeq, events }, now())
  })
  note(result.status === 'duplicate' ? 'duplicate' : `stored=${result.stored}${formatSkipped(result.skipped)}`)
  return json(result.status === 'duplicate' ? 200 : 201, result)
}

/** The Tapedeck-Parent header of a linked stream's batch, or undefined for a session of its own. */
function parentOf(request: Request, sessionId: string): string | undefined {
  const parent = request.headers.get('tapedeck-parent')
  if (parent === null) return undefined
  if (!isId(parent) || parent === sessionId) {
    throw new ServerError('invalid_parent_header', 'Tapedeck-Parent must match [A-Za-z0-9_-]{1,128} and name another session than Tapedeck-Session.')
  }
  return parent
}

/** PUT /v1/sessions/{id}/blobs/{blobId}/{part} (§3): 201 when stored, 200 when this part was already stored. */
export async function putBlob({ request, params, store, limits, admitIngest, now, note }: RequestContext): Promise<Response> {
  if (bodyEncoding(request)) throw new ServerError('unsupported_encoding', 'Send blob bytes without Content-Encoding.')
  const contentType = request.headers.get('content-type') || 'application/octet-stream'
  if (contentType.length > 255) throw new ServerError('unsupported_media_type', 'Content-Type is longer than 255 characters.')
  const { sessionId, blobId, part } = params as { sessionId: string; blobId: string; part: string }
  const { bytes, status } = await admitIngest(async () => {
    const bytes = await readBody(request, limits.maxBodyBytes)
    return { bytes, status: await store.putBlob({ sessionId, blobId, part, contentType, bytes }, now()) }
  })
  note(`bytes=${bytes.length} ${status}`)
  return json(status === 'stored' ? 201 : 200, { status, bytes: bytes.length })
}

/** true for gzip, false for no encoding; anything else is refused. */
function bodyEncoding(request: Request): boolean {
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase()
  if (encoding === 'gzip') return true
  if (encoding === 'identity' || encoding === '') return false
  throw new ServerError('unsupported_encoding', `Content-Encoding ${encoding} is not supported: send gzip.`)
}

function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
}

function formatSkipped(skipped: readonly SeqRange[]): string {
  return skipped.length ? ` skipped=${skipped.map((r) => (r.from === r.to ? r.from : `${r.from}-${r.to}`)).join(',')}` : ''
}

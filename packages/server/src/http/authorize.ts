import { ServerError } from '../ServerError.js'

export type Access = 'write' | 'read'

export interface Keys {
  /** May only write: POST /v1/batches and PUT blobs. */
  ingestKeys: readonly string[]
  /** May only read and erase. */
  readKeys: readonly string[]
}

/**
 * Checks `Authorization: Bearer <key>`. With no key configured at all, everything is open;
 * once any key is configured, an access whose list is empty is closed.
 */
export function authorize(request: Request, access: Access, keys: Keys): void {
  if (keys.ingestKeys.length === 0 && keys.readKeys.length === 0) return
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')
  const token = match?.[1]
  if (token === undefined) throw new ServerError('unauthorized', 'Send Authorization: Bearer <key>.')
  const canWrite = keys.ingestKeys.some((key) => safeEqual(key, token))
  const canRead = keys.readKeys.some((key) => safeEqual(key, token))
  if (access === 'write' ? canWrite : canRead) return
  if (canWrite || canRead) {
    throw new ServerError('forbidden', `This key may not ${access}: use the ${access === 'write' ? 'ingest' : 'read'} key.`)
  }
  throw new ServerError('unauthorized', 'The key is not valid.')
}

/** Compares without stopping at the first difference, so timing tells nothing about the key. */
function safeEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

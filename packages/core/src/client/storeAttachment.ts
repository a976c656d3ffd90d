import { TapedeckError } from '../errors'
import { ID_PATTERN } from '../events/serialize'
import { pick } from '../util/pick'
import type { ActiveSession } from './ActiveSession'
import type { EngineLink } from './EngineLink'
import type { AttachOptions, AttachmentRef } from './types'

/** Stores a binary attachment of the session as one part; throws (unreported: the caller reports) when it cannot. */
export async function storeAttachment(
  link: EngineLink,
  session: ActiveSession | null,
  newId: () => string,
  maxBlobBytes: number,
  data: Blob | ArrayBuffer | ArrayBufferView,
  options: AttachOptions = {},
): Promise<AttachmentRef> {
  if (!session) {
    throw new TapedeckError('no_active_session', 'No session is being recorded: call start() before attach().')
  }
  const blobId = options.blobId ?? `b_${newId()}`
  const part = options.part ?? 0
  if (!ID_PATTERN.test(blobId) || !Number.isInteger(part) || part < 0) {
    throw new TapedeckError('invalid_blob', `Blob id ${JSON.stringify(blobId)} / part ${part} is not usable: 1–128 letters, digits, "_" or "-"; parts from 0.`)
  }
  const mimeType = options.mimeType ?? ((data instanceof Blob && data.type) || 'application/octet-stream')
  const bytes = await toArrayBuffer(data)
  if (bytes.byteLength > maxBlobBytes) {
    throw new TapedeckError('invalid_blob', `The attachment is ${bytes.byteLength} bytes, over maxBlobBytes (${maxBlobBytes}): split it into parts.`)
  }
  const size = bytes.byteLength
  const result = await link.storeBlob({ sessionId: session.id, blobId, part, mimeType, bytes, ...pick(options, 'track', 'startT', 'durationMs') })
  if (result.error) throw new TapedeckError(result.error.code, result.error.message)
  return { sessionId: session.id, blobId, part, mimeType, bytes: size }
}

async function toArrayBuffer(data: Blob | ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer> {
  if (data instanceof Blob) return data.arrayBuffer()
  if (data instanceof ArrayBuffer) return data.slice(0)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer
  throw new TapedeckError('invalid_blob', 'attach() takes a Blob, an ArrayBuffer or a typed array.')
}

import { readFile } from 'node:fs/promises'
import { isRecord } from '../summary/isRecord.js'
import { isCode } from './durableWrite.js'

/**
 * One stored blob part is one file `{blob}.blob` (fileNames.ts): its header as one JSON line
 * (content type and ids), then the bytes. Written whole (durableWrite), never changed.
 */
export interface BlobHeader {
  contentType: string
  blobId?: string
  part?: string
}

/** A blob file: its header as one JSON line, then the bytes. */
export function blobFileData(header: BlobHeader, bytes: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(`${JSON.stringify(header)}\n`)
  const data = new Uint8Array(head.length + bytes.length)
  data.set(head)
  data.set(bytes, head.length)
  return data
}

/** A blob file's header and bytes; null when absent or not one. Files of layout 1 have no ids in their header. */
export async function readBlobFile(path: string): Promise<(BlobHeader & { bytes: Uint8Array }) | null> {
  let data: Uint8Array
  try {
    data = await readFile(path)
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null
    throw error
  }
  const newline = data.indexOf(0x0a)
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(data.subarray(0, newline)))
    if (newline === -1 || !isRecord(header) || typeof header.contentType !== 'string') return null
    const ids = typeof header.blobId === 'string' && typeof header.part === 'string' ? { blobId: header.blobId, part: header.part } : {}
    return { contentType: header.contentType, ...ids, bytes: data.subarray(newline + 1) }
  } catch {
    return null
  }
}

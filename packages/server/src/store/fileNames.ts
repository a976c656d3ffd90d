import { createHash } from 'node:crypto'
import { isId } from '../ids.js'

/**
 * Names on disk for the file store, safe for every valid id on Linux, macOS and Windows: never
 * longer than 255 bytes, never a reserved device name (`CON`, `nul.x`), and distinct on a
 * case-insensitive file system, where `s_A` and `s_a` would otherwise be one folder. Each name
 * is a readable part of the id and a hash of the exact id(s):
 *
 *     sessions/{sessionId}~{hash}/                     the id whole (≤ 128) + 33: ≤ 161 bytes
 *     blobs/{blobId:40}~{part:40}~{hash}.blob          ≤ 119 bytes; the ids are in the file's header
 *
 * Layout 1 named them by the ids alone; createFileStore renames such folders and files once.
 */
const HASH = /^[0-9a-f]{32}$/

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32)
}

export function sessionDirName(sessionId: string): string {
  return `${sessionId}~${hash(`session:${sessionId}`)}`
}

/** The session id of a folder name, or null for a name this store did not make. */
export function sessionIdOfDir(name: string): string | null {
  const tilde = name.lastIndexOf('~')
  const id = name.slice(0, tilde)
  return tilde > 0 && HASH.test(name.slice(tilde + 1)) && isId(id) && sessionDirName(id) === name ? id : null
}

export function blobFileName(blobId: string, part: string): string {
  return `${blobId.slice(0, 40)}~${part.slice(0, 40)}~${hash(`blob:${blobId}/${part}`)}.blob`
}

/** `{blobId}.{part}.blob`: a blob file of layout 1. */
export function legacyBlobIds(name: string): { blobId: string; part: string } | null {
  const match = /^([A-Za-z0-9_-]{1,128})\.([A-Za-z0-9_-]{1,128})\.blob$/.exec(name)
  return match ? { blobId: match[1]!, part: match[2]! } : null
}

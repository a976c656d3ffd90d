/**
 * The sealed-data format of docs/protocol.md §6 (`encryptForServer`), written once: the recorder
 * seals with it (sealForServer, and encodeBatch's `staysClear`), readers open with it (the
 * player, through `@tapedeck/core/read`). RSA-OAEP-256 wraps a per-session AES-256-GCM key;
 * each sealed payload is IV (12 bytes), then ciphertext and tag, bound to where it belongs.
 */

export const SEALING_ALG = 'RSA-OAEP-256+A256GCM'
/** The key-wrapping algorithm, as WebCrypto names it. */
export const RSA_OAEP = { name: 'RSA-OAEP', hash: 'SHA-256' } as const
export const IV_BYTES = 12

const encoder = new TextEncoder()

/** Types the recorder never seals (the types only it writes): the backend needs them to order, complete and erase sessions. */
export { isReservedType as staysClear } from '../events/catalogue'

/** What an event's ciphertext is bound to (AES-GCM additional data): moved to another event, seq or session, it fails to open. */
export function eventAad(sessionId: string, seq: number, type: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`tapedeck-event|${sessionId}|${seq}|${type}`)
}

/** What an attachment part's ciphertext is bound to. */
export function partAad(sessionId: string, blobId: string, part: number): Uint8Array<ArrayBuffer> {
  return encoder.encode(`tapedeck-blob|${sessionId}|${blobId}|${part}`)
}

/** RFC 7638 thumbprint of an RSA public key (SHA-256 of its required members in lexical order, base64url): the `kid` sealed data names its key by. */
export async function jwkThumbprint(jwk: { e?: string | undefined; n?: string | undefined }): Promise<string> {
  const canonical = `{"e":"${jwk.e}","kty":"RSA","n":"${jwk.n}"}`
  return toBase64(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(canonical)))).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

export function toBase64(bytes: Uint8Array): string {
  // The native encoder where there is one (Chromium 140+, Firefox 133+, Safari 18.2+, Node 25+).
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64
  if (native) return native.call(bytes)
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** `undefined` for text that is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  let binary: string
  try {
    binary = atob(text)
  } catch {
    return undefined
  }
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

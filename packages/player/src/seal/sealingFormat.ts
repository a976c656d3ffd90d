/**
 * The sealed-data format as docs/protocol.md ("Sealed data") describes it, for readers. The
 * recorder's side is core's `crypto/sealForServer.ts`; the two meet only through that page.
 */

export const SEALING_ALG = 'RSA-OAEP-256+A256GCM'
export const RSA_OAEP = { name: 'RSA-OAEP', hash: 'SHA-256' } as const
export const IV_BYTES = 12

const encoder = new TextEncoder()

/** RFC 7638 thumbprint of an RSA public key: the `kid` sealed data names its key by. */
export async function jwkThumbprint(jwk: { e?: string; n?: string }): Promise<string> {
  const canonical = `{"e":"${jwk.e}","kty":"RSA","n":"${jwk.n}"}`
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(canonical)))
  return toBase64(digest).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** What an event's ciphertext is bound to (AES-GCM additional data). */
export function eventAad(sessionId: string, seq: number, type: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`tapedeck-event|${sessionId}|${seq}|${type}`)
}

export function partAad(sessionId: string, blobId: string, part: number): Uint8Array<ArrayBuffer> {
  return encoder.encode(`tapedeck-blob|${sessionId}|${blobId}|${part}`)
}

/** Types the recorder never seals: the backend needs them to order, complete and erase sessions. */
export function staysClear(type: string): boolean {
  return type.startsWith('session.') || type === 'recorder.dropped' || type === 'consent.changed'
}

export function toBase64(bytes: Uint8Array): string {
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

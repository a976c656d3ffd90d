import { TapedeckError } from '../errors'

const IV_BYTES = 12

/** A new AES-GCM key that no script can read back (non-extractable); IndexedDB can still store it. */
export function generateAtRestKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
}

/** IV, then ciphertext and tag. A fresh random IV each time: never reuse one under a key. */
export async function encrypt(key: CryptoKey, plain: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain as Uint8Array<ArrayBuffer>))
  const out = new Uint8Array(IV_BYTES + sealed.byteLength)
  out.set(iv)
  out.set(sealed, IV_BYTES)
  return out
}

export async function decrypt(key: CryptoKey, sealed: Uint8Array): Promise<Uint8Array> {
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, IV_BYTES) as Uint8Array<ArrayBuffer> }, key, sealed.subarray(IV_BYTES) as Uint8Array<ArrayBuffer>)
    return new Uint8Array(plain)
  } catch (cause) {
    throw new TapedeckError('encryption_failed', 'Stored data could not be decrypted: it was written with another key, or it is damaged.', { cause })
  }
}

export function checkKey(key: unknown): CryptoKey {
  const usable =
    typeof CryptoKey !== 'undefined' &&
    key instanceof CryptoKey &&
    key.algorithm.name === 'AES-GCM' &&
    key.usages.includes('encrypt') &&
    key.usages.includes('decrypt')
  if (!usable) throw new TapedeckError('encryption_failed', 'encryption.key must be an AES-GCM CryptoKey with the encrypt and decrypt usages.')
  return key as CryptoKey
}

import { playerError } from '../playerError'
import { RSA_OAEP, jwkThumbprint } from '@tapedeck/core/read'

export interface SealingKeys {
  /** For the recorder: `createRecorder({ encryptForServer: { publicKey } })`. Safe to publish. */
  publicKey: JsonWebKey & { kid: string }
  /** For readers: `loadRecording(source, { privateKey })`. Keep it off the backend that stores the data, and out of pages. */
  privateKey: JsonWebKey & { kid: string }
}

export interface SealingKeyOptions {
  /** RSA modulus in bits. Default 3072. */
  modulusLength?: 2048 | 3072 | 4096
}

/**
 * A new RSA-OAEP (SHA-256) key pair for `encryptForServer`, as JWKs with `kid` set to the RFC 7638
 * thumbprint of the public key (the name sealed data carries). Works in browsers and Node 20+.
 */
export async function createSealingKeys(options: SealingKeyOptions = {}): Promise<SealingKeys> {
  const modulusLength = options.modulusLength ?? 3072
  if (![2048, 3072, 4096].includes(modulusLength)) {
    throw playerError('invalid_options', `modulusLength must be 2048, 3072 or 4096, got ${modulusLength}.`)
  }
  const pair = await crypto.subtle.generateKey({ ...RSA_OAEP, modulusLength, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['encrypt', 'decrypt'])
  const [publicKey, privateKey] = await Promise.all([crypto.subtle.exportKey('jwk', pair.publicKey), crypto.subtle.exportKey('jwk', pair.privateKey)])
  const kid = await jwkThumbprint(publicKey)
  return { publicKey: { ...publicKey, kid }, privateKey: { ...privateKey, kid } }
}

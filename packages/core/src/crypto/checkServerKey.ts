import { TapedeckError } from '../errors'

/** `encryptForServer` as `createRecorder()` checks it: a usable key, and a transport a sealed payload means something to. */
export function checkEncryptForServer(options: { encryptForServer?: { publicKey?: unknown }; transport?: unknown }): void {
  checkServerKey(options.encryptForServer?.publicKey)
  if (options.transport === 'otlp') {
    throw new TapedeckError('invalid_options', "encryptForServer seals event content for your own backend; an OpenTelemetry collector could not read any of it. Use transport 'http' or your own function.")
  }
}

/** Smallest RSA modulus taken, in bytes (2048 bits). */
const MIN_MODULUS_BYTES = 256

/**
 * `encryptForServer.publicKey` checked synchronously, so a bad key fails at `createRecorder()`,
 * not later in the worker: an RSA-OAEP public key with SHA-256, at least 2048 bits.
 */
export function checkServerKey(publicKey: unknown): void {
  const fail = (why: string): never => {
    throw new TapedeckError(
      'encryption_failed',
      `encryptForServer.publicKey ${why}. It must be an RSA-OAEP public key with SHA-256 and at least 2048 bits, as a JWK or a CryptoKey (createSealingKeys() in @tapedeck/player makes a pair).`,
    )
  }
  if (typeof CryptoKey !== 'undefined' && publicKey instanceof CryptoKey) {
    const algorithm = publicKey.algorithm as Partial<RsaHashedKeyAlgorithm>
    if (algorithm.name !== 'RSA-OAEP') fail(`is a ${algorithm.name} key`)
    if (algorithm.hash?.name !== 'SHA-256') fail(`hashes with ${algorithm.hash?.name}`)
    if (publicKey.type !== 'public') fail(`is a ${publicKey.type} key: only the public half belongs in a page`)
    if ((algorithm.modulusLength ?? 0) < MIN_MODULUS_BYTES * 8) fail(`has ${algorithm.modulusLength} bits`)
    if (!publicKey.extractable) fail('is not extractable (a public key is safe to export; its thumbprint names it)')
    return
  }
  if (typeof publicKey !== 'object' || publicKey === null) fail('is missing')
  const jwk = publicKey as JsonWebKey
  if (jwk.kty !== 'RSA') fail(`has kty ${JSON.stringify(jwk.kty)}`)
  if (jwk.d !== undefined) fail('is a private key: never put the private key in a page')
  if (jwk.alg !== undefined && jwk.alg !== 'RSA-OAEP-256') fail(`has alg ${JSON.stringify(jwk.alg)} (RSA-OAEP-256 expected)`)
  if (jwk.use !== undefined && jwk.use !== 'enc') fail(`has use ${JSON.stringify(jwk.use)}`)
  if (jwk.key_ops !== undefined && !jwk.key_ops.includes('encrypt') && !jwk.key_ops.includes('wrapKey')) fail('has key_ops without encrypt or wrapKey')
  const base64url = /^[A-Za-z0-9_-]+$/
  if (typeof jwk.e !== 'string' || !base64url.test(jwk.e)) fail('has no exponent (e)')
  if (typeof jwk.n !== 'string' || !base64url.test(jwk.n)) fail('has no modulus (n)')
  if (Math.floor((jwk.n!.length * 6) / 8) < MIN_MODULUS_BYTES) fail(`has a ${Math.floor((jwk.n!.length * 6) / 8) * 8}-bit modulus`)
}

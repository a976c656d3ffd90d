/**
 * `encryptForServer`: event payloads and attachment parts sealed for the holder of a private key,
 * so the backend stores what it cannot read (docs/protocol.md, "Sealed data"). Loaded only by
 * recorders that seal, or that read a sealed session back.
 */
import { TapedeckError } from '../errors'
import type { TapedeckEvent } from '../events/catalogue'
import type { EncodedBatch } from '../storage/encodeBatch'
import type { SessionSealing } from '../storage/schema'
import { checkServerKey } from './checkServerKey'
import { IV_BYTES, RSA_OAEP, SEALING_ALG, eventAad, fromBase64, jwkThumbprint, partAad, toBase64 } from './sealingFormat'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The backend's public key, imported, and its name (`kid`). */
export interface ServerKey {
  publicKey: CryptoKey
  kid: string
}

export async function importServerKey(publicKey: JsonWebKey | CryptoKey): Promise<ServerKey> {
  checkServerKey(publicKey)
  try {
    const jwk = publicKey instanceof CryptoKey ? await crypto.subtle.exportKey('jwk', publicKey) : publicKey
    const rsa = { e: jwk.e!, kty: 'RSA', n: jwk.n! }
    // Only the fields that make the key: whatever key_ops or use the JWK carried, it encrypts here.
    const key = await crypto.subtle.importKey('jwk', { ...rsa, alg: 'RSA-OAEP-256', ext: true }, RSA_OAEP, false, ['encrypt'])
    return { publicKey: key, kid: await jwkThumbprint(rsa) }
  } catch (cause) {
    throw new TapedeckError('encryption_failed', `encryptForServer.publicKey could not be imported (${String((cause as Error)?.message ?? cause)}): pass the public JWK as createSealingKeys() gives it.`, { cause })
  }
}

/**
 * A new content key for a session: AES-256-GCM, kept non-extractable; its bytes exist only long
 * enough to be wrapped with the backend's public key.
 */
export async function newContentKey(server: ServerKey): Promise<Omit<SessionSealing, 'fromSeq'>> {
  const raw = crypto.getRandomValues(new Uint8Array(32))
  try {
    const [wrapped, contentKey] = await Promise.all([
      crypto.subtle.encrypt({ name: 'RSA-OAEP' }, server.publicKey, raw),
      crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']),
    ])
    return { alg: SEALING_ALG, kid: server.kid, key: toBase64(new Uint8Array(wrapped)), contentKey }
  } finally {
    raw.fill(0)
  }
}

/** An encoded batch with its payloads sealed: the NDJSON as it is stored and sent. */
export async function sealEncoded(encoded: EncodedBatch): Promise<EncodedBatch> {
  const plan = encoded.toSeal
  if (!plan) return encoded
  const ivs = randomIvs(plan.events.length)
  const sealed = await Promise.all(
    plan.events.map(({ seq, type, data }, i) => seal(plan.contentKey, encoder.encode(data), eventAad(encoded.sessionId, seq, type), ivs.subarray(i * IV_BYTES, (i + 1) * IV_BYTES))),
  )
  let text = plan.pieces[0]!
  for (let i = 0; i < sealed.length; i++) text += `{"sealed":"${toBase64(sealed[i]!)}"}${plan.pieces[i + 1]!}`
  const raw = encoder.encode(text)
  const { toSeal: _plan, ...rest } = encoded
  const counters = { ...encoded.session.counters, bytes: encoded.session.counters.bytes + raw.byteLength }
  return { ...rest, raw, session: { ...encoded.session, counters } }
}

/** Opens, in place, the sealed payloads of events read from a session with these keys; drops `sealing` notes. */
export async function openEvents(events: TapedeckEvent[], keys: readonly SessionSealing[]): Promise<void> {
  await Promise.all(
    events.map(async (event) => {
      const data = event.data as Record<string, unknown>
      if (event.type.startsWith('session.') && data.sealing !== undefined) {
        const { sealing: _note, ...rest } = data
        event.data = rest as never
        return
      }
      if (!isSealed(data)) return
      const sealed = fromBase64(data.sealed)
      const plain = sealed && (await openWithAny(keysFor(keys, event.seq), sealed, eventAad(event.sessionId, event.seq, event.type)))
      if (!plain) throw new TapedeckError('encryption_failed', `Event ${event.seq} of session ${event.sessionId} could not be opened with the session's key: it is damaged.`)
      event.data = JSON.parse(decoder.decode(plain)) as never
    }),
  )
}

export async function sealPart(contentKey: CryptoKey, sessionId: string, blobId: string, part: number, bytes: ArrayBuffer): Promise<ArrayBuffer> {
  return (await seal(contentKey, new Uint8Array(bytes), partAad(sessionId, blobId, part))).buffer as ArrayBuffer
}

export async function openPart(keys: readonly SessionSealing[], sessionId: string, blobId: string, part: number, bytes: ArrayBuffer): Promise<ArrayBuffer> {
  // A part is not in seq order: try the newest key first, then the older ones.
  const plain = await openWithAny([...keys].reverse(), new Uint8Array(bytes), partAad(sessionId, blobId, part))
  if (!plain) throw new TapedeckError('encryption_failed', `Part ${part} of ${blobId} could not be opened with the session's key: it is damaged.`)
  return plain.buffer as ArrayBuffer
}

function isSealed(data: Record<string, unknown>): data is { sealed: string } {
  return typeof data.sealed === 'string'
}

/** The key in force at `seq` first, then the others. */
function keysFor(keys: readonly SessionSealing[], seq: number): SessionSealing[] {
  const at = keys.findLastIndex((key) => key.fromSeq <= seq)
  return at <= 0 ? [...keys] : [keys[at]!, ...keys.filter((_, i) => i !== at)]
}

async function openWithAny(keys: readonly SessionSealing[], sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array | undefined> {
  for (const key of keys) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: sealed.subarray(0, IV_BYTES) as Uint8Array<ArrayBuffer>, additionalData: aad as Uint8Array<ArrayBuffer> },
        key.contentKey,
        sealed.subarray(IV_BYTES) as Uint8Array<ArrayBuffer>,
      )
      return new Uint8Array(plain)
    } catch {
      // Another key, or damaged: the caller says which.
    }
  }
  return undefined
}

/** Random IVs for `count` seals, drawn at once (getRandomValues gives at most 65,536 bytes a call). */
function randomIvs(count: number): Uint8Array<ArrayBuffer> {
  const ivs = new Uint8Array(count * IV_BYTES)
  for (let i = 0; i < ivs.length; i += 65_536) crypto.getRandomValues(ivs.subarray(i, i + 65_536))
  return ivs
}

/** IV, then ciphertext and tag; a fresh random IV each time: never one IV twice under a key. */
async function seal(key: CryptoKey, plain: Uint8Array, aad: Uint8Array, iv: Uint8Array<ArrayBuffer> = randomIvs(1)): Promise<Uint8Array> {
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad as Uint8Array<ArrayBuffer> }, key, plain as Uint8Array<ArrayBuffer>)
  const out = new Uint8Array(IV_BYTES + sealed.byteLength)
  out.set(iv)
  out.set(new Uint8Array(sealed), IV_BYTES)
  return out
}

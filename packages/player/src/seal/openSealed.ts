import { playerError } from '../playerError'
import type { RecordingParts } from '../recording/buildRecording'
import type { BlobPartInfo } from '../recording/Recording'
import { IV_BYTES, RSA_OAEP, SEALING_ALG, eventAad, fromBase64, jwkThumbprint, partAad, staysClear } from '@tapedeck/core/read'

/** A private key for `loadRecording(…, { privateKey })`: the JWK `createSealingKeys()` gives, or a CryptoKey. */
export type SealingPrivateKey = JsonWebKey | CryptoKey

/** A content key announced by a `session.*` event (`data.sealing`), in force from its seq on. */
interface Note {
  seq: number
  kid: string
  key: string
  /** Unwrapped, when the private key opens it. */
  contentKey?: CryptoKey
}

type Event = { seq: number; type: string; sessionId: string; data: Record<string, unknown> }

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isEvent(value: unknown): value is Event {
  return isObject(value) && typeof value.seq === 'number' && typeof value.type === 'string' && typeof value.sessionId === 'string' && isObject(value.data)
}

/**
 * Opens a recording sealed with `encryptForServer`: every sealed payload replaced by what was
 * recorded, the `sealing` notes taken out of lifecycle events, attachment parts opened as they
 * are read. A recording with nothing sealed comes back as it is, whatever the key.
 */
export async function openSealed(input: RecordingParts, privateKey: SealingPrivateKey | undefined): Promise<RecordingParts> {
  const wanted = input.sessionId
  const notes = new Map<string, Note[]>()
  let sealedEvents = 0
  for (const value of input.events) {
    if (!isEvent(value) || (wanted !== undefined && value.sessionId !== wanted)) continue
    const { data } = value
    if (value.type.startsWith('session.') && isObject(data.sealing)) {
      const { alg, kid, key } = data.sealing
      if (alg !== SEALING_ALG || typeof kid !== 'string' || typeof key !== 'string') {
        throw playerError('encryption_failed', `Event ${value.seq} announces a key sealed with ${JSON.stringify(alg)}, which this player does not read (it reads ${SEALING_ALG}).`)
      }
      const list = notes.get(value.sessionId) ?? []
      list.push({ seq: value.seq, kid, key })
      notes.set(value.sessionId, list)
    } else if (typeof data.sealed === 'string' && !staysClear(value.type)) sealedEvents++
  }
  if (notes.size === 0) return input
  for (const list of notes.values()) list.sort((a, b) => a.seq - b.seq)
  const kids = [...new Set([...notes.values()].flat().map((note) => note.kid))]
  const needsKey = sealedEvents > 0 || input.getPart !== undefined
  if (sealedEvents > 0 && privateKey === undefined) {
    throw playerError('sealed', `This recording is sealed (encryptForServer) for the key ${kids.join(', ')}: pass its private key as loadRecording(source, { privateKey }).`)
  }

  if (privateKey !== undefined && needsKey) {
    const own = await importPrivateKey(privateKey)
    await Promise.all(
      [...notes.values()].flat().map(async (note) => {
        if (own.kid === undefined || own.kid === note.kid) note.contentKey = await unwrap(own.key, note.key)
      }),
    )
    if (sealedEvents > 0 && ![...notes.values()].flat().some((note) => note.contentKey)) {
      throw playerError('sealed', `The private key given${own.kid ? ` (${own.kid})` : ''} does not open this recording: it is sealed for ${kids.join(', ')}.`)
    }
  }

  const events = await Promise.all(input.events.map((value) => (isEvent(value) && notes.has(value.sessionId) ? openEvent(value, notes.get(value.sessionId)!) : value)))
  const getPart = input.getPart
  const sessionId = wanted ?? firstSession(events)
  return {
    ...input,
    events,
    ...(getPart && { getPart: (info: BlobPartInfo) => openPart(sessionId, info, getPart, notes.get(sessionId) ?? []) }),
  }
}

function firstSession(events: readonly unknown[]): string {
  const first = events.find(isEvent)
  return first ? first.sessionId : ''
}

async function openEvent(event: Event, notes: readonly Note[]): Promise<Event> {
  const { data } = event
  if (event.type.startsWith('session.') && data.sealing !== undefined) {
    const { sealing: _note, ...rest } = data
    return { ...event, data: rest }
  }
  if (typeof data.sealed !== 'string' || staysClear(event.type)) return event
  const sealed = fromBase64(data.sealed)
  // The key in force at this seq first, then the session's others.
  const inForce = notes.findLast((note) => note.seq <= event.seq)
  const candidates = [inForce, ...notes.filter((note) => note !== inForce)].filter((note): note is Note => note?.contentKey !== undefined)
  const plain = sealed && (await openWith(candidates, sealed, eventAad(event.sessionId, event.seq, event.type)))
  if (plain) return { ...event, data: JSON.parse(new TextDecoder().decode(plain)) as Record<string, unknown> }
  if (inForce && !inForce.contentKey) {
    throw playerError('sealed', `Events of session ${event.sessionId} from seq ${inForce.seq} on are sealed for ${inForce.kid}, which the private key given does not open.`)
  }
  throw playerError('encryption_failed', `Event ${event.seq} of session ${event.sessionId} could not be opened: it is damaged or was altered.`)
}

/**
 * A part read through the source, opened. A session sealed from its start has every part
 * sealed; one that got its key later (a resume) may have clear parts from before.
 */
async function openPart(sessionId: string, info: BlobPartInfo, getPart: (info: BlobPartInfo) => Promise<Blob | undefined>, notes: readonly Note[]): Promise<Blob | undefined> {
  const blob = await getPart(info)
  if (!blob || notes.length === 0) return blob
  const keys = notes.filter((note) => note.contentKey).reverse()
  const sealedFromStart = notes[0]!.seq === 0
  if (keys.length === 0) {
    if (!sealedFromStart) return blob
    throw playerError('sealed', `Part ${info.part} of ${info.blobId} is sealed: pass the private key as loadRecording(source, { privateKey }).`)
  }
  const plain = await openWith(keys, new Uint8Array(await blob.arrayBuffer()), partAad(sessionId, info.blobId, info.part))
  if (plain) return new Blob([plain], { type: info.mimeType })
  if (!sealedFromStart) return blob
  throw playerError('encryption_failed', `Part ${info.part} of ${info.blobId} could not be opened: it is damaged or was altered.`)
}

async function openWith(notes: readonly Note[], sealed: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (sealed.byteLength < IV_BYTES + 16) return undefined
  for (const note of notes) {
    try {
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, IV_BYTES), additionalData: aad }, note.contentKey!, sealed.subarray(IV_BYTES)))
    } catch {
      // Not this key (or damaged: the caller says which).
    }
  }
  return undefined
}

/** The content key a note carries, or undefined when this private key does not open it. */
async function unwrap(privateKey: CryptoKey, wrapped: string): Promise<CryptoKey | undefined> {
  const bytes = fromBase64(wrapped)
  if (!bytes) return undefined
  try {
    if (privateKey.usages.includes('unwrapKey')) {
      return await crypto.subtle.unwrapKey('raw', bytes, privateKey, { name: 'RSA-OAEP' }, 'AES-GCM', false, ['decrypt'])
    }
    const raw = new Uint8Array(await crypto.subtle.decrypt({ name: 'RSA-OAEP' }, privateKey, bytes))
    try {
      return await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt'])
    } finally {
      raw.fill(0)
    }
  } catch {
    return undefined
  }
}

async function importPrivateKey(input: SealingPrivateKey): Promise<{ key: CryptoKey; kid?: string }> {
  const fail = (why: string, cause?: unknown): never => {
    throw playerError('encryption_failed', `privateKey ${why}: it must be the RSA-OAEP (SHA-256) private key whose public half the recorder sealed with, as createSealingKeys() gives it.`, cause)
  }
  if (typeof CryptoKey !== 'undefined' && input instanceof CryptoKey) {
    const algorithm = input.algorithm as Partial<RsaHashedKeyAlgorithm>
    if (algorithm.name !== 'RSA-OAEP' || algorithm.hash?.name !== 'SHA-256') fail(`is a ${algorithm.name} ${algorithm.hash?.name ?? ''} key`.replace(/ +$/, ''))
    if (input.type !== 'private') fail(`is a ${input.type} key`)
    if (!input.usages.includes('decrypt') && !input.usages.includes('unwrapKey')) fail('has neither the decrypt nor the unwrapKey usage')
    // Its kid only when it can be read; otherwise every note is tried.
    const jwk = input.extractable ? await crypto.subtle.exportKey('jwk', input) : undefined
    return { key: input, ...(jwk && { kid: await jwkThumbprint(jwk) }) }
  }
  if (!isObject(input) || input.kty !== 'RSA' || typeof input.d !== 'string') fail('is not an RSA private JWK')
  const jwk = input as JsonWebKey
  if (jwk.alg !== undefined && jwk.alg !== 'RSA-OAEP-256') fail(`has alg ${JSON.stringify(jwk.alg)}`)
  const { kty, n, e, d, p, q, dp, dq, qi } = jwk
  try {
    const key = await crypto.subtle.importKey('jwk', { kty, n, e, d, p, q, dp, dq, qi, alg: 'RSA-OAEP-256', ext: true }, RSA_OAEP, false, ['decrypt'])
    return { key, kid: await jwkThumbprint(jwk) }
  } catch (cause) {
    return fail(`could not be imported (${(cause as Error)?.message ?? String(cause)})`, cause)
  }
}

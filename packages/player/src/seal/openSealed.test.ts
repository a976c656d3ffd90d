// Sealed recordings read in Node: keys made here, a recording sealed by the recorder's own encoder
// (core's encodeBatch + sealEncoded, the code the worker runs), opened by loadRecording.
import { describe, expect, test } from 'vitest'
import { importServerKey, newContentKey, sealEncoded } from '../../../core/src/crypto/sealForServer'
import { encodeBatch, type EncodeContext } from '../../../core/src/storage/encodeBatch'
import { createUlid } from '../../../core/src/util/ulid'
import { loadRecording } from '../load/loadRecording'
import { createSealingKeys, type SealingKeys } from './createSealingKeys'
import { jwkThumbprint } from '@tapedeck/core/read'

const START = 1_763_766_000_000

function context(): EncodeContext {
  const ulid = createUlid()
  return { now: START, makeId: (ts) => ulid(ts), redact: (json) => ({ json, count: 0 }) }
}

const pending = (type: string, data: object, at: number) => ({ type, data: JSON.stringify(data), ts: START + at, at: START + at })

const events = [
  pending('session.started', { userId: 'u1' }, 0),
  pending('message.created', { messageId: 'm1', role: 'user', content: 'the vault code is 4471' }, 1),
  pending('tool.call.completed', { toolCallId: 't1', name: 'lookup', result: { code: 4471 }, durationMs: 3 }, 2),
  pending('session.ended', { reason: 'stopped' }, 3),
]

/** NDJSON as the recorder stores and uploads it, sealed for `keys`, and the same session unsealed. */
async function recorded(keys: SealingKeys | undefined): Promise<string> {
  const batch = { sessionId: 's_node', tab: 't_1', events }
  const fresh = keys ? await newContentKey(await importServerKey(keys.publicKey)) : undefined
  const encoded = await sealEncoded(encodeBatch(undefined, batch, context(), fresh))
  return new TextDecoder().decode(encoded.raw)
}

const shape = (list: ReadonlyArray<{ seq: number; type: string; data: unknown }>) => list.map(({ seq, type, data }) => ({ seq, type, data }))

describe('createSealingKeys', () => {
  test('makes an RSA-OAEP-256 pair as JWKs in Node, named by the RFC 7638 thumbprint', async () => {
    const keys = await createSealingKeys()
    expect(keys.publicKey).toMatchObject({ kty: 'RSA', alg: 'RSA-OAEP-256', e: 'AQAB', kid: await jwkThumbprint(keys.publicKey) })
    expect(keys.publicKey).not.toHaveProperty('d')
    expect(keys.privateKey).toMatchObject({ kty: 'RSA', alg: 'RSA-OAEP-256', n: keys.publicKey.n, kid: keys.publicKey.kid })
    expect(typeof keys.privateKey.d).toBe('string')
    // 3072 bits by default: 384 bytes of modulus, 512 base64url characters.
    expect(keys.publicKey.n).toHaveLength(512)
    await expect(createSealingKeys({ modulusLength: 1024 as 2048 })).rejects.toMatchObject({ code: 'invalid_options' })
  })
})

describe('loadRecording of a sealed recording', () => {
  test('opens with the private JWK: the events the same recorder stores without sealing', async () => {
    const keys = await createSealingKeys({ modulusLength: 2048 })
    const [sealed, plain] = await Promise.all([recorded(keys), recorded(undefined)])
    expect(sealed).not.toContain('4471')
    const opened = await loadRecording(sealed, { privateKey: keys.privateKey })
    expect(shape(opened.events)).toEqual(shape((await loadRecording(plain)).events))
    expect(opened.metadata).toEqual({ userId: 'u1' })
  })

  test('opens with a CryptoKey: non-extractable (its kid unknown), or one that may only unwrap keys', async () => {
    const keys = await createSealingKeys({ modulusLength: 2048 })
    const sealed = await recorded(keys)
    const { kid: _kid, ...jwk } = keys.privateKey
    for (const usage of ['decrypt', 'unwrapKey'] as const) {
      const privateKey = await crypto.subtle.importKey('jwk', { ...jwk, key_ops: [usage] }, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, [usage])
      const opened = await loadRecording(sealed, { privateKey })
      expect(opened.events[1]!.data, usage).toEqual({ messageId: 'm1', role: 'user', content: 'the vault code is 4471' })
    }
  })

  test('without a key, with another key, with something that is not a private key: stable codes', async () => {
    const [keys, other] = await Promise.all([createSealingKeys({ modulusLength: 2048 }), createSealingKeys({ modulusLength: 2048 })])
    const sealed = await recorded(keys)
    await expect(loadRecording(sealed)).rejects.toMatchObject({ code: 'sealed', message: expect.stringContaining(keys.publicKey.kid) })
    await expect(loadRecording(sealed, { privateKey: other.privateKey })).rejects.toMatchObject({ code: 'sealed', message: expect.stringContaining(other.publicKey.kid) })
    // A non-extractable key of the wrong pair: its kid is unknown, every note is tried, none opens.
    const { kid: _kid, ...wrongJwk } = other.privateKey
    const wrong = await crypto.subtle.importKey('jwk', wrongJwk, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt'])
    await expect(loadRecording(sealed, { privateKey: wrong })).rejects.toMatchObject({ code: 'sealed' })
    for (const privateKey of [keys.publicKey, { ...keys.privateKey, alg: 'RSA-OAEP' }, { kty: 'EC', d: 'x' }]) {
      await expect(loadRecording(sealed, { privateKey: privateKey as JsonWebKey })).rejects.toMatchObject({ code: 'encryption_failed' })
    }
  })

  test('an altered payload does not open: encryption_failed, naming the event', async () => {
    const keys = await createSealingKeys({ modulusLength: 2048 })
    const lines = (await recorded(keys)).trimEnd().split('\n').map((line) => JSON.parse(line) as { seq: number; data: Record<string, unknown> })
    // The tool result's ciphertext put in the message's place: bound to its own seq and type, it fails.
    lines[1]!.data = lines[2]!.data
    await expect(loadRecording(lines, { privateKey: keys.privateKey })).rejects.toMatchObject({ code: 'encryption_failed', message: expect.stringContaining('Event 1 of session s_node') })
  })

  test('a sealed session with nothing sealed in it (lifecycle only) needs no key; the note is taken out', async () => {
    const keys = await createSealingKeys({ modulusLength: 2048 })
    const lifecycle = (await recorded(keys)).trimEnd().split('\n').filter((line) => line.includes('"session.'))
    expect(lifecycle[0]).toContain('"sealing"')
    const opened = await loadRecording(lifecycle.join('\n'))
    expect(opened.events.map((e) => e.data)).toEqual([{ userId: 'u1' }, { lastSeq: 3, reason: 'stopped' }])
  })

  test('a recording that was never sealed loads as before, whatever key is given', async () => {
    const keys = await createSealingKeys({ modulusLength: 2048 })
    const plain = await recorded(undefined)
    expect(shape((await loadRecording(plain, { privateKey: keys.privateKey })).events)).toEqual(shape((await loadRecording(plain)).events))
  })
})

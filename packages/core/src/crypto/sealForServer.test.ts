import { createHash, generateKeyPairSync } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { codeOf } from '../../test/codeOf'
import type { TapedeckEvent } from '../events/catalogue'
import type { PendingEvent } from '../events/serialize'
import { encodeBatch, needsContentKey, type EncodeContext, type IngestBatch } from '../storage/encodeBatch'
import type { SessionRecord } from '../storage/schema'
import { createUlid } from '../util/ulid'
import { checkEncryptForServer, checkServerKey } from './checkServerKey'
import { importServerKey, newContentKey, openEvents, openPart, sealEncoded, sealPart, type ServerKey } from './sealForServer'
import { SEALING_ALG, jwkThumbprint } from './sealingFormat'

const START = 1_700_000_000_000
const RSA_OAEP = { name: 'RSA-OAEP', hash: 'SHA-256' }

async function keyPair(modulusLength = 2048) {
  const pair = await crypto.subtle.generateKey({ ...RSA_OAEP, modulusLength, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['encrypt', 'decrypt'])
  return { publicJwk: await crypto.subtle.exportKey('jwk', pair.publicKey), ...pair }
}

function context(): EncodeContext {
  const ulid = createUlid()
  return { now: START + 60_000, makeId: (ts) => ulid(ts), redact: (json) => ({ json, count: 0 }) }
}

function event(type: string, data: object, offsetMs: number): PendingEvent {
  return { type, data: JSON.stringify(data), ts: START + offsetMs, at: START + offsetMs }
}

function lines(raw: Uint8Array): TapedeckEvent[] {
  return new TextDecoder().decode(raw).trimEnd().split('\n').map((line) => JSON.parse(line) as TapedeckEvent)
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}

/** Opens a sealed payload as docs/protocol.md describes it, without the module's own reader. */
async function openAsDocumented(privateKey: CryptoKey, sealing: { key: string }, event: TapedeckEvent): Promise<unknown> {
  const raw = await crypto.subtle.decrypt({ name: 'RSA-OAEP' }, privateKey, fromBase64(sealing.key))
  const contentKey = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt'])
  const sealed = fromBase64((event.data as { sealed: string }).sealed)
  const aad = new TextEncoder().encode(`tapedeck-event|${event.sessionId}|${event.seq}|${event.type}`)
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, 12), additionalData: aad }, contentKey, sealed.subarray(12))
  return JSON.parse(new TextDecoder().decode(plain))
}

const chat: PendingEvent[] = [
  event('session.started', { userId: 'u1', feature: 'support' }, 0),
  event('message.created', { messageId: 'm1', role: 'user', content: 'my secret is tangerine-42' }, 5),
  event('provider.call.completed', { callId: 'c1', model: 'gpt-4o-mini', usage: { inputTokens: 15, outputTokens: 25 }, costUsd: 0.0008 }, 9),
  event('consent.changed', { state: 'granted', scopes: { content: true, actions: true, audio: false } }, 10),
  event('x.note', { text: 'tangerine-42 again' }, 11),
  event('session.ended', { reason: 'stopped' }, 12),
]

describe('the RFC 7638 thumbprint (kid)', () => {
  test("matches RFC 7638 §3.1's example key", async () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw'
    expect(await jwkThumbprint({ e: 'AQAB', n })).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
  })

  test("of a key made by Node's own crypto, equals Node's SHA-256 of the canonical members; other members do not count", async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const jwk = publicKey.export({ format: 'jwk' }) as { e: string; n: string }
    const expected = createHash('sha256').update(`{"e":"${jwk.e}","kty":"RSA","n":"${jwk.n}"}`).digest('base64url')
    const withExtras: JsonWebKey & { kid: string } = { ...jwk, kty: 'RSA', alg: 'RSA-OAEP-256', use: 'enc', kid: 'mine', key_ops: ['encrypt'] }
    const imported = await importServerKey(withExtras)
    expect(imported.kid).toBe(expected)
  })
})

describe('sealing a batch', () => {
  test('payloads are sealed after redaction and counting; lifecycle events stay clear; the private key opens them as documented', async () => {
    const { publicJwk, privateKey } = await keyPair()
    const server = await importServerKey(publicJwk)
    const batch: IngestBatch = { sessionId: 's_1', tab: 't_A', events: chat }
    expect(needsContentKey(undefined, batch, server.kid)).toBe(true)

    const plain = encodeBatch(undefined, batch, context())
    const encoded = encodeBatch(undefined, batch, context(), await newContentKey(server))
    expect(encoded.raw.byteLength).toBe(0) // not yet: sealing is async
    const sealed = await sealEncoded(encoded)
    const text = new TextDecoder().decode(sealed.raw)
    expect(text).not.toContain('tangerine')

    // Counters come from the plaintext, before sealing.
    expect(sealed.session.counters).toMatchObject({ events: 6, calls: 1, inputTokens: 15, outputTokens: 25, costUsd: 0.0008 })
    expect(sealed.session.counters.bytes).toBe(sealed.raw.byteLength)
    expect(sealed.session.sealing).toHaveLength(1)
    expect(sealed.session.sealing![0]).toMatchObject({ alg: SEALING_ALG, kid: server.kid, fromSeq: 0 })
    expect(sealed.session.sealing![0]!.contentKey.extractable).toBe(false)
    expect(sealed.session.metadata).toEqual({ userId: 'u1', feature: 'support' })

    const events = lines(sealed.raw)
    const expected = lines(plain.raw)
    expect(events.map((e) => [e.seq, e.type])).toEqual(expected.map((e) => [e.seq, e.type]))
    const note = (events[0]!.data as { sealing: { alg: string; kid: string; key: string } }).sealing
    expect(Object.keys(note)).toEqual(['alg', 'kid', 'key'])
    expect(note).toMatchObject({ alg: 'RSA-OAEP-256+A256GCM', kid: server.kid })
    expect(fromBase64(note.key).byteLength).toBe(256) // RSA-OAEP output: the modulus size
    for (const [i, e] of events.entries()) {
      if (['session.started', 'consent.changed', 'session.ended'].includes(e.type)) {
        const { sealing: _note, ...data } = e.data as Record<string, unknown>
        expect(data, e.type).toEqual(expected[i]!.data)
        continue
      }
      expect(Object.keys(e.data as object), e.type).toEqual(['sealed'])
      expect(await openAsDocumented(privateKey, note, e)).toEqual(expected[i]!.data)
    }

    // The module's own reader gives back what an unsealed recorder stores (without the note).
    await openEvents(events, sealed.session.sealing!)
    expect(events.map((e) => e.data)).toEqual(expected.map((e) => e.data))
  })

  test('a sealed payload moved to another seq does not open: the ciphertext is bound to session, seq and type', async () => {
    const { publicJwk } = await keyPair()
    const sealed = await sealEncoded(encodeBatch(undefined, { sessionId: 's_1', tab: 't_A', events: chat }, context(), await newContentKey(await importServerKey(publicJwk))))
    const events = lines(sealed.raw)
    const [message, call] = [events[1]!, events[2]!]
    events[2] = { ...call, data: message.data }
    let error: unknown
    await openEvents(events, sealed.session.sealing!).catch((caught: unknown) => (error = caught))
    expect(error).toMatchObject({ code: 'encryption_failed', message: expect.stringContaining('Event 2 of session s_1') })
  })

  test('a continued session keeps its key; a recorder with another public key starts a second one from its resume', async () => {
    const [first, second] = await Promise.all([keyPair(), keyPair()])
    const serverA = await importServerKey(first.publicJwk)
    const serverB = await importServerKey(second.publicJwk)
    const created = await sealEncoded(encodeBatch(undefined, { sessionId: 's_1', tab: 't_A', events: chat.slice(0, 3) }, context(), await newContentKey(serverA)))
    const session: SessionRecord = created.session

    const reload: IngestBatch = { sessionId: 's_1', tab: 't_B', events: [event('session.started', { userId: 'u1' }, 20), event('x.note', { text: 'after reload' }, 21)] }
    expect(needsContentKey(session, reload, serverA.kid)).toBe(false)
    const again = await sealEncoded(encodeBatch(session, reload, context()))
    expect(again.session.sealing).toHaveLength(1)
    const resumed = lines(again.raw)
    expect(resumed[0]).toMatchObject({ type: 'session.resumed', data: { reason: 'reopened' } })
    expect(resumed[0]!.data).not.toHaveProperty('sealing')
    expect(resumed[1]!.data).toHaveProperty('sealed')

    // A batch that does not resume never changes the key, whoever stores it.
    expect(needsContentKey(session, { ...reload, events: reload.events.slice(1) }, serverB.kid)).toBe(false)
    expect(needsContentKey(session, reload, serverB.kid)).toBe(true)
    const rotated = await sealEncoded(encodeBatch(session, reload, context(), await newContentKey(serverB)))
    expect(rotated.session.sealing!.map((key) => [key.kid, key.fromSeq])).toEqual([
      [serverA.kid, 0],
      [serverB.kid, 3],
    ])
    const rotatedEvents = lines(rotated.raw)
    expect((rotatedEvents[0]!.data as { sealing: { kid: string; key: string } }).sealing.kid).toBe(serverB.kid)
    expect(await openAsDocumented(second.privateKey, (rotatedEvents[0]!.data as { sealing: { key: string } }).sealing, rotatedEvents[1]!)).toEqual({ text: 'after reload' })

    // Both keys read the whole session back.
    const all = [...lines(created.raw), ...rotatedEvents]
    await openEvents(all, rotated.session.sealing!)
    expect(all.map((e) => e.data)).toContainEqual({ text: 'after reload' })
    expect(all.map((e) => e.data)).toContainEqual({ messageId: 'm1', role: 'user', content: 'my secret is tangerine-42' })
  })

  test('the sealing note is added after redaction: a rule that takes long base64 for a secret cannot spoil the wrapped key', async () => {
    const { publicJwk, privateKey } = await keyPair()
    const ctx: EncodeContext = { ...context(), redact: (json) => ({ json: json.replace(/[A-Za-z0-9+/=]{40,}/g, '[secret]'), count: 0 }) }
    const sealed = await sealEncoded(encodeBatch(undefined, { sessionId: 's_1', tab: 't_A', events: chat }, ctx, await newContentKey(await importServerKey(publicJwk))))
    const events = lines(sealed.raw)
    const note = (events[0]!.data as { sealing: { key: string } }).sealing
    expect(await openAsDocumented(privateKey, note, events[1]!)).toMatchObject({ content: 'my secret is tangerine-42' })
  })

  test("the note is the last member: it wins over a `sealing` the app put in its metadata (JSON readers keep the last duplicate)", async () => {
    const { publicJwk } = await keyPair()
    const server = await importServerKey(publicJwk)
    const started = { ...chat[0]!, data: '{"userId":"u1","sealing":{"mine":true}}' }
    const sealed = await sealEncoded(encodeBatch(undefined, { sessionId: 's_1', tab: 't_A', events: [started, ...chat.slice(1)] }, context(), await newContentKey(server)))
    expect(lines(sealed.raw)[0]!.data).toMatchObject({ userId: 'u1', sealing: { alg: SEALING_ALG, kid: server.kid } })
  })

  test('a session without a key stays clear, even for a recorder that seals (no resume to announce a key in)', () => {
    const plain = encodeBatch(undefined, { sessionId: 's_1', tab: 't_A', events: chat.slice(0, 2) }, context())
    const next = encodeBatch(plain.session, { sessionId: 's_1', tab: 't_A', events: [event('x.note', { text: 'clear' }, 3)] }, context())
    expect(next.toSeal).toBeUndefined()
    expect(lines(next.raw)[0]!.data).toEqual({ text: 'clear' })
  })
})

describe('attachment parts', () => {
  test('round trip, bound to session, blob and part', async () => {
    const { publicJwk } = await keyPair()
    const key = { ...(await newContentKey(await importServerKey(publicJwk))), fromSeq: 0 }
    const bytes = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3, 4, 5]).buffer
    const sealed = await sealPart(key.contentKey, 's_1', 'b_1', 0, bytes)
    expect(sealed.byteLength).toBe(12 + 9 + 16)
    expect(new Uint8Array(await openPart([key], 's_1', 'b_1', 0, sealed))).toEqual(new Uint8Array(bytes))
    await expect(openPart([key], 's_1', 'b_1', 1, sealed)).rejects.toMatchObject({ code: 'encryption_failed' })
  })
})

describe('bad keys are refused with encryption_failed, saying why', () => {
  test('JWKs', async () => {
    const { publicJwk, privateKey } = await keyPair()
    const small = await keyPair(1024)
    const privateJwk = await crypto.subtle.exportKey('jwk', privateKey)
    const ec = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])
    const cases: Array<[unknown, string]> = [
      [undefined, 'is missing'],
      ['a key', 'is missing'],
      [await crypto.subtle.exportKey('jwk', ec.publicKey), 'kty "EC"'],
      [small.publicJwk, '1024-bit'],
      [privateJwk, 'private key'],
      [{ ...publicJwk, alg: 'RSA-OAEP' }, 'alg "RSA-OAEP"'],
      [{ ...publicJwk, use: 'sig' }, 'use "sig"'],
      [{ ...publicJwk, key_ops: ['verify'] }, 'key_ops'],
      [{ ...publicJwk, n: 'not base64url!' }, 'modulus'],
    ]
    for (const [key, why] of cases) {
      let message = ''
      expect(
        codeOf(() => {
          try {
            checkServerKey(key)
          } catch (error) {
            message = (error as Error).message
            throw error
          }
        }),
        why,
      ).toBe('encryption_failed')
      expect(message).toContain(why)
      await expect(importServerKey(key as JsonWebKey)).rejects.toMatchObject({ code: 'encryption_failed' })
    }
    expect(codeOf(() => checkServerKey(publicJwk))).toBeUndefined()
  })

  test('CryptoKeys', async () => {
    const { publicKey, privateKey } = await keyPair()
    const sha1 = await crypto.subtle.generateKey({ name: 'RSA-OAEP', hash: 'SHA-1', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['encrypt', 'decrypt'])
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const small = await keyPair(1024)
    for (const key of [sha1.publicKey, hmac, privateKey, small.publicKey]) {
      expect(codeOf(() => checkServerKey(key))).toBe('encryption_failed')
    }
    const server: ServerKey = await importServerKey(publicKey)
    expect(server.kid).toBe(await jwkThumbprint(await crypto.subtle.exportKey('jwk', publicKey) as { e: string; n: string }))
  })

  test('with the OpenTelemetry transport: invalid_options (a collector could read none of it)', async () => {
    const { publicJwk } = await keyPair()
    expect(codeOf(() => checkEncryptForServer({ encryptForServer: { publicKey: publicJwk }, transport: 'otlp' }))).toBe('invalid_options')
    expect(codeOf(() => checkEncryptForServer({ encryptForServer: { publicKey: publicJwk }, transport: 'http' }))).toBeUndefined()
  })
})

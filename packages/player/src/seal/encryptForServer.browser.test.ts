// encryptForServer end to end in Chromium: a real recorder (worker + IndexedDB) seals what it
// stores and uploads to the reference server (started by the browser project's globalSetup);
// the server keeps what it cannot read; the player opens it with the private key.
import { afterEach, beforeAll, describe, expect, inject, test } from 'vitest'
import { openDB } from 'idb'
import { createRecorder, type Recorder, type RecorderOptions, type TapedeckEvent } from '@tapedeck/core'
import { clickToAllowAudio, toneStream } from '../../../core/test/audio'
import { loadRecording } from '../load/loadRecording'
import { createSealingKeys, type SealingKeys } from './createSealingKeys'

const server = inject('tapedeckServer')
const SECRET = 'SECRET-tangerine-7731'
/** A byte pattern that stands for audio: found nowhere on the server if the part is sealed. */
const PATTERN = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 13) & 0xff)

const open: Recorder[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close().catch(() => undefined)))
})

function recorder(options: RecorderOptions = {}): Recorder {
  const r = createRecorder({ dbName: `seal-${crypto.randomUUID()}`, endpoint: server, ...options })
  open.push(r)
  return r
}

let keys: SealingKeys
let otherKeys: SealingKeys
beforeAll(async () => {
  // 2048 bits: the smallest taken, and quick to make.
  ;[keys, otherKeys] = await Promise.all([createSealingKeys({ modulusLength: 2048 }), createSealingKeys({ modulusLength: 2048 })])
})

/** A support chat with the secret in a message, an LLM call and an audio part. */
async function chat(r: Recorder): Promise<{ id: string; blobId: string }> {
  const { id } = await r.start({ userId: 'u_seal', feature: 'support' })
  r.record('message.created', { messageId: 'm1', role: 'user', content: `My card PIN hint is ${SECRET}` })
  r.record('provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: `My card PIN hint is ${SECRET}` }] })
  r.record('provider.call.completed', {
    callId: 'c1',
    model: 'gpt-4o-mini',
    response: { text: `I will not repeat ${SECRET}.` },
    usage: { inputTokens: 15, outputTokens: 25 },
    costUsd: 0.0008,
    latencyMs: 1200,
    finishReason: 'stop',
  })
  r.record('message.created', { messageId: 'm2', role: 'assistant', content: `I will not repeat ${SECRET}.` }, { checkpoint: true })
  // One blob id for both recorders of a comparison: their events must be equal.
  const part = await r.attach(PATTERN, { blobId: 'b_voice', mimeType: 'audio/webm;codecs=opus', track: 'input', startT: 0, durationMs: 1000 })
  r.record('audio.input', { blobId: part.blobId, part: 0, mimeType: part.mimeType, startT: 0, durationMs: 1000, bytes: part.bytes })
  await r.stop()
  await r.syncNow()
  return { id, blobId: part.blobId }
}

async function serverText(path: string): Promise<{ text: string; type: string | null; status: number }> {
  const response = await fetch(`${server}${path}`)
  return { text: await response.text(), type: response.headers.get('content-type'), status: response.status }
}

async function serverBytes(path: string): Promise<{ bytes: Uint8Array; type: string | null }> {
  const response = await fetch(`${server}${path}`)
  expect(response.status).toBe(200)
  return { bytes: new Uint8Array(await response.arrayBuffer()), type: response.headers.get('content-type') }
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

const lines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line) as TapedeckEvent)
const shape = (events: readonly TapedeckEvent[]) => events.map(({ seq, type, data }) => ({ seq, type, data }))

describe('encryptForServer', () => {
  test('the server stores events and audio it cannot read; the private key gives back exactly what a recorder without sealing stores', async () => {
    const sealedRecorder = recorder({ encryptForServer: { publicKey: keys.publicKey } })
    const plainRecorder = recorder()
    const [sealed, plain] = await Promise.all([chat(sealedRecorder), chat(plainRecorder)])

    // What the server holds: no secret, no audio pattern; lifecycle events and metadata readable.
    const stored = await serverText(`/v1/sessions/${sealed.id}/events`)
    expect(stored.status).toBe(200)
    expect(stored.text).not.toContain('tangerine')
    const onServer = lines(stored.text)
    expect(onServer.map((e) => e.type)).toEqual(['session.started', 'message.created', 'provider.call.started', 'provider.call.completed', 'message.created', 'audio.input', 'session.ended'])
    expect(onServer[0]!.data).toMatchObject({ userId: 'u_seal', feature: 'support', sealing: { alg: 'RSA-OAEP-256+A256GCM', kid: keys.publicKey.kid } })
    expect(onServer.filter((e) => 'sealing' in (e.data as object))).toHaveLength(1)
    for (const e of onServer.slice(1, -1)) expect(Object.keys(e.data as object), e.type).toEqual(['sealed'])
    expect(onServer.at(-1)!.data).toEqual({ lastSeq: 6, reason: 'stopped' })
    expect(onServer[4]!.checkpoint).toBe(true)

    const blob = await serverBytes(`/v1/sessions/${sealed.id}/blobs/${sealed.blobId}/0`)
    expect(blob.type).toBe('application/octet-stream')
    expect(blob.bytes.byteLength).toBe(PATTERN.byteLength + 28) // IV and tag
    expect(contains(blob.bytes, PATTERN.subarray(0, 64))).toBe(false)
    // The clear recorder's part is there as recorded: the pattern search can find it.
    expect(contains((await serverBytes(`/v1/sessions/${plain.id}/blobs/${plain.blobId}/0`)).bytes, PATTERN.subarray(0, 64))).toBe(true)

    // Listing, summaries and exports cope: complete, by user, cost unknown, content marked sealed.
    const detail = JSON.parse((await serverText(`/v1/sessions/${sealed.id}`)).text) as { completeness: { complete: boolean }; stats: Record<string, unknown> }
    expect(detail.completeness.complete).toBe(true)
    expect(detail.stats).toMatchObject({ events: 7, calls: 1, costUsd: null, inputTokens: null, sealedEvents: 5 })
    const listed = JSON.parse((await serverText('/v1/sessions?userId=u_seal&limit=100')).text) as { sessions: Array<{ id: string }> }
    expect(listed.sessions.map((s) => s.id)).toContain(sealed.id)
    for (const format of ['html', 'csv', 'jsonl']) {
      const exported = await serverText(`/v1/sessions/${sealed.id}/export?format=${format}`)
      expect(exported.status, format).toBe(200)
      expect(exported.text, format).not.toContain('tangerine')
      if (format !== 'jsonl') expect(exported.text, format).toContain('[sealed]')
    }

    // The private key opens it: events equal to the unsealed recorder's (types, seq, data), and the audio.
    const plainOnServer = lines((await serverText(`/v1/sessions/${plain.id}/events`)).text)
    const opened = await loadRecording({ endpoint: server, sessionId: sealed.id }, { privateKey: keys.privateKey })
    expect(shape(opened.events)).toEqual(shape(plainOnServer))
    expect(opened.complete).toBe(true)
    const audio = await opened.blobs.get(sealed.blobId, 0)
    expect(audio.type).toBe('audio/webm;codecs=opus')
    expect(new Uint8Array(await audio.arrayBuffer())).toEqual(PATTERN)

    // Without a key, or with another one: a clear error with a stable code.
    await expect(loadRecording({ endpoint: server, sessionId: sealed.id })).rejects.toMatchObject({ code: 'sealed', message: expect.stringContaining(keys.publicKey.kid) })
    await expect(loadRecording({ endpoint: server, sessionId: sealed.id }, { privateKey: otherKeys.privateKey })).rejects.toMatchObject({
      code: 'sealed',
      message: expect.stringContaining('does not open'),
    })

    // The server's zip carries sealed parts as bytes; the events name their type.
    const zip = await (await fetch(`${server}/v1/sessions/${sealed.id}/export?format=zip`)).arrayBuffer()
    const fromZip = await loadRecording(zip, { privateKey: keys.privateKey })
    expect(shape(fromZip.events)).toEqual(shape(plainOnServer))
    expect(fromZip.blobs.track('input').map((p) => p.mimeType)).toEqual(['audio/webm;codecs=opus'])
    expect(new Uint8Array(await (await fromZip.blobs.trackBlob('input'))!.arrayBuffer())).toEqual(PATTERN)
  })

  test('the local store opens its own sessions with their stored content key; an export leaves sealed', async () => {
    const dbName = `seal-${crypto.randomUUID()}`
    const r = recorder({ dbName, encryptForServer: { publicKey: keys.publicKey } })
    const { id, blobId } = await chat(r)
    const plain = recorder()
    const reference = await loadRecording({ recorder: plain, sessionId: (await chat(plain)).id })

    const local = await loadRecording({ recorder: r, sessionId: id })
    expect(shape(local.events)).toEqual(shape(reference.events))
    expect(new Uint8Array(await (await local.blobs.get(blobId, 0)).arrayBuffer())).toEqual(PATTERN)
    expect((await r.sessions.get(id))!.counters).toMatchObject({ calls: 1, inputTokens: 15, outputTokens: 25, costUsd: 0.0008 })

    // On disk: sealed (the content key is in the session record, non-extractable).
    const db = await openDB(dbName)
    const record = await db.get('sessions', id)
    db.close()
    expect(record.sealing).toHaveLength(1)
    expect(record.sealing[0].contentKey.extractable).toBe(false)

    const exported = await r.sessions.export(id)
    expect(await exported.text()).not.toContain('tangerine')
    await expect(loadRecording(exported)).rejects.toMatchObject({ code: 'sealed' })
    expect(shape((await loadRecording(exported, { privateKey: keys.privateKey })).events)).toEqual(shape(reference.events))
  })

  test('with encryption at rest as well: on disk both layers, on the server the sealed payloads, locally everything opens', async () => {
    const dbName = `seal-${crypto.randomUUID()}`
    const r = recorder({ dbName, encryption: {}, encryptForServer: { publicKey: keys.publicKey } })
    const { id, blobId } = await chat(r)
    const db = await openDB(dbName)
    const onDisk = [...(await db.getAll('chunkData')), ...(await db.getAll('blobData'))].map((bytes: ArrayBuffer) => new Uint8Array(bytes))
    db.close()
    for (const bytes of onDisk) {
      expect([bytes[0], bytes[1]]).not.toEqual([0x1f, 0x8b]) // not a gzip member: encrypted at rest
      expect(contains(bytes, PATTERN.subarray(0, 64))).toBe(false)
    }
    // Uploads take the at-rest layer off, not the sealing.
    const onServer = lines((await serverText(`/v1/sessions/${id}/events`)).text)
    expect(onServer[1]!.data).toHaveProperty('sealed')
    expect((await serverBytes(`/v1/sessions/${id}/blobs/${blobId}/0`)).bytes.byteLength).toBe(PATTERN.byteLength + 28)
    const local = await loadRecording({ recorder: r, sessionId: id })
    expect(local.events[1]!.data).toMatchObject({ content: `My card PIN hint is ${SECRET}` })
    expect(new Uint8Array(await (await local.blobs.get(blobId, 0)).arrayBuffer())).toEqual(PATTERN)
    const fromServer = await loadRecording({ endpoint: server, sessionId: id }, { privateKey: keys.privateKey })
    expect(shape(fromServer.events)).toEqual(shape(local.events))
  })

  test('a session continued after a reload keeps its content key: one sealing entry, everything opens', async () => {
    const dbName = `seal-${crypto.randomUUID()}`
    const first = recorder({ dbName, encryptForServer: { publicKey: keys.publicKey } })
    const { id } = await first.start({ userId: 'u_reload' })
    first.record('message.created', { messageId: 'm1', role: 'user', content: `before the reload ${SECRET}` })
    await first.flush()
    await first.close() // as a reload does: the page goes, the session stays open

    const second = recorder({ dbName, encryptForServer: { publicKey: keys.publicKey } })
    expect((await second.start({ sessionId: id })).resumed).toBe(true)
    second.record('message.created', { messageId: 'm2', role: 'user', content: `after the reload ${SECRET}` })
    await second.stop()
    await second.syncNow()

    const onServer = lines((await serverText(`/v1/sessions/${id}/events`)).text)
    expect(onServer.map((e) => e.type)).toEqual(['session.started', 'message.created', 'session.interrupted', 'session.resumed', 'message.created', 'session.ended'])
    expect(onServer.filter((e) => 'sealing' in (e.data as object)).map((e) => e.seq)).toEqual([0])
    expect(JSON.stringify(onServer)).not.toContain('tangerine')
    const db = await openDB(dbName)
    expect((await db.get('sessions', id)).sealing).toHaveLength(1)
    db.close()

    const opened = await loadRecording({ endpoint: server, sessionId: id }, { privateKey: keys.privateKey })
    expect(opened.events.filter((e) => e.type === 'message.created').map((e) => (e.data as { content: string }).content)).toEqual([
      `before the reload ${SECRET}`,
      `after the reload ${SECRET}`,
    ])
    const local = await second.sessions.events(id)
    expect(shape(local)).toEqual(shape(opened.events))

    // A recorder with another public key continuing it announces a second key from its resume on;
    // the first private key still opens what was sealed before, and says where it stops.
    const third = recorder({ dbName, encryptForServer: { publicKey: otherKeys.publicKey } })
    await third.start({ sessionId: id })
    third.record('message.created', { messageId: 'm3', role: 'user', content: 'for the new key' })
    await third.stop()
    await third.syncNow()
    const rotated = lines((await serverText(`/v1/sessions/${id}/events`)).text)
    const notes = rotated.filter((e) => 'sealing' in (e.data as object))
    expect(notes.map((e) => [e.type, (e.data as { sealing: { kid: string } }).sealing.kid])).toEqual([
      ['session.started', keys.publicKey.kid],
      ['session.resumed', otherKeys.publicKey.kid],
    ])
    await expect(loadRecording({ endpoint: server, sessionId: id }, { privateKey: keys.privateKey })).rejects.toMatchObject({
      code: 'sealed',
      message: expect.stringContaining(`from seq ${notes[1]!.seq} on`),
    })
    const withNew = await loadRecording(rotated.filter((e) => e.seq >= notes[1]!.seq), { privateKey: otherKeys.privateKey })
    expect(withNew.events.map((e) => e.data)).toContainEqual({ messageId: 'm3', role: 'user', content: 'for the new key' })
    // The local store keeps both content keys and opens the whole session.
    const allLocal = await third.sessions.events(id)
    expect(allLocal.filter((e) => e.type === 'message.created').map((e) => (e.data as { content: string }).content)).toEqual([
      `before the reload ${SECRET}`,
      `after the reload ${SECRET}`,
      'for the new key',
    ])
  })

  test('a session erased under a recording tab is recreated with a new key, announced in its new session.started', async () => {
    const dbName = `seal-${crypto.randomUUID()}`
    const recording = recorder({ dbName, encryptForServer: { publicKey: keys.publicKey }, endpoint: undefined })
    const { id } = await recording.start()
    recording.record('message.created', { messageId: 'm1', role: 'user', content: 'first life' })
    await recording.flush()
    const eraser = recorder({ dbName, endpoint: undefined })
    expect(await eraser.erase({ sessionId: id })).toBe(1)

    recording.record('message.created', { messageId: 'm2', role: 'user', content: `second life ${SECRET}` })
    await recording.flush()
    const exported = await recording.sessions.export(id)
    const raw = lines(await exported.text())
    expect(raw[0]).toMatchObject({ seq: 0, type: 'session.started', data: { reason: 'recreated', sealing: { kid: keys.publicKey.kid } } })
    expect(raw[1]!.data).toHaveProperty('sealed')
    const opened = await loadRecording(exported, { privateKey: keys.privateKey })
    expect(shape(opened.events)).toEqual([
      { seq: 0, type: 'session.started', data: { reason: 'recreated' } },
      { seq: 1, type: 'message.created', data: { messageId: 'm2', role: 'user', content: `second life ${SECRET}` } },
    ])
  })

  test('real audio through MediaRecorder is sealed on the wire and opens to the bytes the browser recorded', async () => {
    await clickToAllowAudio()
    const r = recorder({ encryptForServer: { publicKey: keys.publicKey }, consent: { audio: 'none', remember: false } })
    const { id } = await r.start()
    const tone = await toneStream(440)
    const status = await r.audio.start(tone.stream, { timesliceMs: 250 })
    expect(status.state).toBe('recording')
    await new Promise((resolve) => setTimeout(resolve, 1200))
    await r.audio.stop()
    await tone.close()
    await r.stop()
    await r.syncNow()

    const local = await loadRecording({ recorder: r, sessionId: id })
    const parts = local.blobs.track('input')
    expect(parts.length).toBeGreaterThan(1)
    const fromServer = await loadRecording({ endpoint: server, sessionId: id }, { privateKey: keys.privateKey })
    expect(fromServer.blobs.track('input').map((p) => [p.blobId, p.part, p.mimeType])).toEqual(parts.map((p) => [p.blobId, p.part, p.mimeType]))
    for (const part of parts) {
      const recorded = new Uint8Array(await (await local.blobs.get(part.blobId, part.part)).arrayBuffer())
      const onWire = await serverBytes(`/v1/sessions/${id}/blobs/${part.blobId}/${part.part}`)
      expect(onWire.type).toBe('application/octet-stream')
      expect(onWire.bytes.byteLength).toBe(recorded.byteLength + 28)
      expect(new Uint8Array(await (await fromServer.blobs.get(part.blobId, part.part)).arrayBuffer())).toEqual(recorded)
    }
    // The first part starts with the WebM (EBML) header the browser wrote; on the server it does not.
    const first = parts[0]!
    expect([...new Uint8Array(await (await fromServer.blobs.get(first.blobId, first.part)).arrayBuffer()).subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3])
  })

  test('a bad public key fails at createRecorder with encryption_failed; a sealed session needs no key to list', async () => {
    const { privateKey, publicKey } = keys
    const bad: unknown[] = [privateKey, { ...publicKey, alg: 'RSA-OAEP' }, { kty: 'RSA', e: 'AQAB', n: 'AQAB' }, 'pem text']
    for (const publicKeyInput of bad) {
      expect(() => createRecorder({ storage: 'memory', encryptForServer: { publicKey: publicKeyInput as JsonWebKey } })).toThrow(
        expect.objectContaining({ code: 'encryption_failed' }),
      )
    }
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    expect(() => createRecorder({ storage: 'memory', encryptForServer: { publicKey: hmac } })).toThrow(expect.objectContaining({ code: 'encryption_failed' }))
    // A CryptoKey works as well as a JWK.
    const imported = await crypto.subtle.importKey('jwk', publicKey, { name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['encrypt'])
    const r = recorder({ encryptForServer: { publicKey: imported }, endpoint: undefined })
    const { id } = await r.start()
    r.record('x.note', { text: SECRET })
    await r.stop()
    const stored = lines(await (await r.sessions.export(id)).text())
    expect(stored[0]!.data).toMatchObject({ sealing: { kid: keys.publicKey.kid } })
    expect(stored[1]!.data).toHaveProperty('sealed')
    expect((await r.sessions.list()).sessions.map((s) => s.id)).toContain(id)
  })
})

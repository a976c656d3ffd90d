/**
 * Consent, metadata capture, encryption at rest, retention, the local cap and erasure, in a real
 * Chromium against real IndexedDB (read around the recorder) and the reference server.
 */
import { openDB } from 'idb'
import type { UIMessage } from 'ai'
import { afterEach, describe, expect, inject, test } from 'vitest'
import { chunkText, closeAll, rawStoredText, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { newProxy, serverEvents, serverSession } from '../../test/sync'
import type { TapedeckEvent } from '../events/catalogue'
import { autoCapture } from '../instrument/autoCapture'
import { createInstrumentedFetch } from '../instrument/instrumentFetch'
import { recordChatTransport } from '../instrument/recordChatTransport'
import type { TapedeckDB } from '../storage/schema'
import type { SyncBatch } from '../sync/Transport'

afterEach(async () => {
  await closeAll()
  localStorage.clear()
})

const server = inject('tapedeckServer')
const mock = inject('mockLlm')

async function databaseExists(name: string): Promise<boolean> {
  return (await indexedDB.databases()).some((db) => db.name === name)
}

async function storedBytes(dbName: string): Promise<Uint8Array[]> {
  const db = await openDB<TapedeckDB>(dbName)
  const data = [...(await db.getAll('chunkData')), ...(await db.getAll('blobData'))]
  db.close()
  return data.map((bytes) => new Uint8Array(bytes))
}

async function chunkCount(dbName: string): Promise<{ chunks: number; blobs: number }> {
  const db = await openDB<TapedeckDB>(dbName)
  const counts = { chunks: await db.count('chunks'), blobs: await db.count('blobs') }
  db.close()
  return counts
}

const types = (events: TapedeckEvent[]) => events.map((event) => event.type)

describe('consent', () => {
  test("with consent 'required', nothing touches IndexedDB or the network until grant(); then only what follows is kept", async () => {
    const dbName = uniqueDb()
    const sent: SyncBatch[] = []
    const recorder = recorderFor(dbName, {
      consent: 'required',
      transport: async (batch) => {
        sent.push(batch)
        return { status: 200 }
      },
    })
    expect(recorder.getSnapshot().consent).toEqual({ mode: 'required', state: 'pending', scopes: { content: false, actions: false, audio: false } })
    const { id } = await recorder.start({ userId: 'u_consent' })
    recorder.record('message.created', { messageId: 'm0', role: 'user', content: 'before consent' })
    recorder.record('user.action', { kind: 'click', target: 'send' })
    await recorder.flush()
    await expect(recorder.sessions.list()).rejects.toMatchObject({ code: 'consent_required' })
    expect(recorder.getSnapshot().withheld).toBe(2)
    expect(recorder.getSnapshot().counts.accepted).toBe(0)
    expect(await databaseExists(dbName)).toBe(false)

    await recorder.consent.grant()
    recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'after consent' })
    await recorder.syncNow()
    const events = await recorder.sessions.events(id)
    expect(types(events)).toEqual(['session.started', 'consent.changed', 'message.created'])
    expect(events[1]!.data).toEqual({ state: 'granted', scopes: { content: true, actions: true, audio: false } })
    expect(JSON.stringify(events)).not.toContain('before consent')
    expect(sent.length).toBeGreaterThan(0)
    expect(recorder.getSnapshot().consent.state).toBe('granted')
  })

  test('the decision is remembered per database; withdraw() ends the session and stores nothing more', async () => {
    const dbName = uniqueDb()
    const first = recorderFor(dbName, { consent: 'required' })
    await first.consent.grant({ actions: false })
    await first.close()

    const recorder = recorderFor(dbName, { consent: 'required' })
    expect(recorder.getSnapshot().consent).toMatchObject({ state: 'granted', scopes: { content: true, actions: false } })
    const { id } = await recorder.start()
    recorder.record('user.action', { kind: 'click', target: 'send' }) // not consented: withheld
    recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'hello' })
    await recorder.consent.withdraw()
    // The app goes on calling record(): nothing is stored, nothing throws.
    recorder.record('message.created', { messageId: 'm2', role: 'user', content: 'after withdrawal' })
    expect(recorder.getSnapshot()).toMatchObject({ state: 'idle', consent: { state: 'withdrawn' } })

    const events = await recorder.sessions.events(id)
    expect(types(events)).toEqual(['session.started', 'message.created', 'consent.changed', 'session.ended'])
    expect(events[3]!.data).toMatchObject({ reason: 'consent-withdrawn' })
    expect(recorder.getSnapshot().withheld).toBe(2)

    const again = recorderFor(dbName, { consent: 'required' })
    expect(again.getSnapshot().consent.state).toBe('withdrawn')
    await again.start()
    again.record('message.created', { messageId: 'm3', role: 'user', content: 'still withdrawn' })
    expect(again.getSnapshot().withheld).toBe(1)
  })

  test('withdraw({ erase: true }) deletes local data and asks the server to erase what it holds', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { consent: 'required', endpoint: server })
    await recorder.consent.grant()
    const { id } = await recorder.start()
    recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'erase me' })
    await recorder.syncNow()
    expect((await serverEvents(id)).length).toBeGreaterThan(0)

    await recorder.consent.withdraw({ erase: true })
    expect(await serverSession(id)).toBeUndefined()
    expect(await chunkCount(dbName)).toEqual({ chunks: 0, blobs: 0 })
    expect((await recorder.sessions.list()).sessions).toEqual([])
  })

  test('without consent to content, text is dropped in the worker before storage; numbers and ids stay', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { consent: 'required' })
    await recorder.consent.grant({ content: false })
    const { id } = await recorder.start()
    recorder.record('provider.call.completed', {
      callId: 'c_1',
      model: 'gpt-4o-mini',
      response: { text: 'Your order ships Tuesday' },
      usage: { inputTokens: 30, outputTokens: 7 },
      costUsd: 0.0001,
      latencyMs: 420,
    })
    await recorder.flush()
    const [call] = (await recorder.sessions.events(id)).filter((event) => event.type === 'provider.call.completed')
    expect(call!.data).toEqual({
      callId: 'c_1',
      model: 'gpt-4o-mini',
      response: { text: '[text]' },
      usage: { inputTokens: 30, outputTokens: 7 },
      costUsd: 0.0001,
      latencyMs: 420,
    })
    expect(await rawStoredText(dbName)).not.toContain('ships Tuesday')
    expect((await recorder.sessions.get(id))!.counters).toMatchObject({ inputTokens: 30, outputTokens: 7 })

    // Consent to content later: text is kept from then on.
    await recorder.consent.grant({ content: true })
    recorder.record('message.created', { messageId: 'm1', role: 'assistant', content: 'now kept' })
    await recorder.flush()
    expect(JSON.stringify(await recorder.sessions.events(id))).toContain('now kept')
  })
})

describe('encryption at rest', () => {
  test('chunks are AES-GCM encrypted on disk with a non-extractable key; reads and uploads see plaintext', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { encryption: {}, endpoint: server })
    const { id } = await recorder.start()
    recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'the quarterly numbers are secret' })
    await recorder.attach(new TextEncoder().encode('secret audio bytes'), { mimeType: 'application/octet-stream' })
    await recorder.syncNow()

    for (const bytes of await storedBytes(dbName)) {
      expect(new TextDecoder().decode(bytes)).not.toContain('secret')
      // Neither gzip nor plaintext: the IV comes first, never the gzip magic.
      expect([bytes[0], bytes[1]]).not.toEqual([0x1f, 0x8b])
    }
    const db = await openDB<TapedeckDB>(dbName)
    const key = (await db.get('meta', 'atRestKey')) as CryptoKey
    db.close()
    expect(key).toBeInstanceOf(CryptoKey)
    expect(key.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow()

    const events = await recorder.sessions.events(id)
    expect(JSON.stringify(events)).toContain('the quarterly numbers are secret')
    expect(JSON.stringify(await serverEvents(id))).toContain('the quarterly numbers are secret')
    const [part] = await recorder.sessions.blobs(id)
    expect(await (await recorder.sessions.blob(id, part!.blobId))!.text()).toBe('secret audio bytes')

    // Another recorder on the same database finds the same key and reads the same events.
    await recorder.close()
    const reader = recorderFor(dbName, { encryption: {} })
    expect((await reader.sessions.events(id)).slice(0, events.length)).toEqual(events)
  })

  test("with the app's own key, a recorder without it cannot read the data and says why", async () => {
    const dbName = uniqueDb()
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
    const recorder = recorderFor(dbName, { encryption: { key } })
    const { id } = await recorder.start()
    recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'mine only' })
    await recorder.flush()
    await recorder.close()

    const other = recorderFor(dbName)
    await expect(other.sessions.events(id)).rejects.toMatchObject({ message: expect.stringContaining('encrypted') })
    const wrongKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
    const wrong = recorderFor(dbName, { encryption: { key: wrongKey } })
    await expect(wrong.sessions.events(id)).rejects.toMatchObject({ message: expect.stringContaining('could not be decrypted') })
    const right = recorderFor(dbName, { encryption: { key } })
    expect(JSON.stringify(await right.sessions.events(id))).toContain('mine only')
  })

  test('a key that is not an AES-GCM key is a configuration error with a code', async () => {
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const recorder = recorderFor(uniqueDb(), { encryption: { key: hmac } })
    await expect(recorder.ready()).rejects.toMatchObject({ code: 'encryption_failed' })
  })
})

describe('retention and the local cap', () => {
  test('retainSyncedMs deletes acknowledged chunks and parts locally; the session record stays', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { endpoint: server, retainSyncedMs: 1000 })
    const { id } = await recorder.start()
    for (let i = 0; i < 20; i++) recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: `message ${i}` })
    await recorder.attach(new Uint8Array(1000), { mimeType: 'audio/webm' })
    await recorder.syncNow()
    expect((await serverEvents(id)).length).toBe(21)
    await waitFor(() => chunkCount(dbName), (counts) => counts.chunks === 0 && counts.blobs === 0, 10_000)
    expect((await recorder.sessions.get(id))!.counters.events).toBe(21)
  })

  test("maxLocalBytes: sent data goes first; with unsent data only, new events are dropped and reported", async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { maxLocalBytes: 6000, maxBatchEvents: 10 })
    const { id } = await recorder.start()
    const noise = (i: number) => ({ messageId: `m${i}`, role: 'user' as const, content: crypto.randomUUID().repeat(8) })
    for (let i = 0; i < 200; i++) recorder.record('message.created', noise(i))
    const result = await recorder.flush()
    expect(result.dropped).toBeGreaterThan(0)
    expect(recorder.getSnapshot().errors.some((error) => error.code === 'quota_exceeded' && error.message.includes('maxLocalBytes'))).toBe(true)
    const db = await openDB<TapedeckDB>(dbName)
    const sizes = (await db.getAll('chunks')).reduce((sum, chunk) => sum + chunk.size, 0)
    db.close()
    expect(sizes).toBeLessThanOrEqual(6000)
    // The oldest events are kept, and the gap is visible.
    const events = await recorder.sessions.events(id)
    expect(events.slice(0, 3).map((event) => event.type)).toEqual(['session.started', 'message.created', 'message.created'])
    await recorder.stop()
    const report = (await recorder.sessions.events(id)).filter((event) => event.type === 'recorder.dropped')
    expect(report.length).toBeGreaterThan(0)
  })

  test('maxLocalBytes: a store full to the last bytes still stores the session’s end and its drop report (they are past the cap)', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { maxLocalBytes: 6000, maxBatchEvents: 1 })
    const { id } = await recorder.start()
    // Large events until they no longer fit, then ever smaller ones: the last bytes are taken.
    let dropped = 0
    for (const repeat of [8, 4, 2, 1, 0]) {
      for (let i = 0; i < 40; i++) recorder.record('message.created', { messageId: `m${repeat}_${i}`, role: 'user', content: crypto.randomUUID().repeat(repeat) })
      ;({ dropped } = await recorder.flush())
    }
    expect(dropped).toBeGreaterThan(0)
    await recorder.stop()
    const events = await recorder.sessions.events(id)
    expect(events.at(-1)!.type).toBe('session.ended')
    expect(events.filter((event) => event.type === 'recorder.dropped').length).toBeGreaterThan(0)
  })

  test("onFull: 'drop-oldest' deletes the oldest unsent chunks to keep recording, and reports them", async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { maxLocalBytes: 6000, maxBatchEvents: 10, onFull: 'drop-oldest' })
    const { id } = await recorder.start()
    const noise = (i: number) => ({ messageId: `m${i}`, role: 'user' as const, content: crypto.randomUUID().repeat(8) })
    for (let i = 0; i < 200; i++) recorder.record('message.created', noise(i))
    recorder.record('message.created', { messageId: 'last', role: 'user', content: 'the newest one' })
    await recorder.stop()
    const events = await recorder.sessions.events(id)
    expect(events.at(-1)!.type).toBe('session.ended')
    expect(JSON.stringify(events)).toContain('the newest one')
    expect(events[0]!.type).not.toBe('session.started') // the oldest chunk went
    const reports = events.filter((event) => event.type === 'recorder.dropped')
    expect(reports.length).toBeGreaterThan(0)
    expect(reports[0]!.data).toMatchObject({ reason: 'max_local_bytes' })
  })

  test("a drop made to fit a session's last batch is reported in that batch, before session.ended", async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { maxLocalBytes: 6000, onFull: 'drop-oldest', maxBatchEvents: 1000 })
    const { id } = await recorder.start()
    const noise = (i: number) => ({ messageId: `m${i}`, role: 'user' as const, content: [1, 2, 3, 4].map(() => crypto.randomUUID()).join(' ') })
    for (let i = 0; i < 30; i++) recorder.record('message.created', noise(i))
    await recorder.flush() // one chunk: session.started and 30 messages
    for (let i = 30; i < 60; i++) recorder.record('message.created', noise(i))
    await recorder.stop() // one batch that fits only once the first chunk is gone
    const events = await recorder.sessions.events(id)
    expect(events[0]!.seq).toBeGreaterThan(0) // the first chunk went
    const reports = events.filter((event) => event.type === 'recorder.dropped')
    expect(reports.map((report) => report.data)).toEqual([{ count: 31, reason: 'max_local_bytes' }])
    expect(events.at(-1)!.type).toBe('session.ended')
    expect(events.filter((event) => event.type === 'message.created')).toHaveLength(30)
  })
})

describe('erase', () => {
  test('by session and by user id, locally and on the server', async () => {
    const dbName = uniqueDb()
    const recorder = recorderFor(dbName, { endpoint: server })
    const ids: string[] = []
    for (const userId of ['u_erase_a', 'u_erase_a', 'u_erase_b']) {
      const { id } = await recorder.start({ userId })
      ids.push(id)
      recorder.record('message.created', { messageId: 'm1', role: 'user', content: `from ${userId}` })
      await recorder.stop()
    }
    await recorder.syncNow()
    expect(await serverSession(ids[2]!)).toBeDefined()

    expect(await recorder.erase({ sessionId: ids[2]! }, { remote: true })).toBe(1)
    expect(await serverSession(ids[2]!)).toBeUndefined()
    expect(await recorder.erase({ userId: 'u_erase_a' }, { remote: true })).toBe(2)
    expect(await serverSession(ids[0]!)).toBeUndefined()
    expect(await serverSession(ids[1]!)).toBeUndefined()
    expect((await recorder.sessions.list()).sessions).toEqual([])
    await expect(recorder.erase({ userId: 'not an id!' })).rejects.toMatchObject({ code: 'invalid_options' })
  })

  test('a session under legal hold on the server: erased here, kept there, and the refusal says so', async () => {
    const recorder = recorderFor(uniqueDb(), { endpoint: server })
    const { id } = await recorder.start()
    recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'held' })
    await recorder.stop()
    await recorder.syncNow()
    const hold = await fetch(`${server}/v1/sessions/${id}/hold`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'litigation' }) })
    expect(hold.status).toBeLessThan(300)

    await expect(recorder.erase({ sessionId: id }, { remote: true })).rejects.toMatchObject({ code: 'session_held' })
    expect(await recorder.sessions.get(id)).toBeUndefined()
    expect((await serverEvents(id)).length).toBe(3)
    expect(recorder.getSnapshot().error).toMatchObject({ code: 'session_held' })
  })
})

describe('redaction on every capture path', () => {
  test('the same secrets, sent through every path, are nowhere at rest or on the wire', async () => {
    const EMAIL = 'jane.doe.tapedeck@example.com'
    const CARD = '4111 1111 1111 1111'
    const KEY = 'sk-proj-Zx81TapedeckSecretKey0042'
    const secret = `mail ${EMAIL}, card ${CARD}, key ${KEY}`
    const dbName = uniqueDb()
    const proxy = await newProxy()
    const recorder = recorderFor(dbName, { endpoint: proxy.url })
    const { id } = await recorder.start({ label: secret })

    // 1. record()
    recorder.record('message.created', { messageId: 'm1', role: 'user', content: secret })
    // 2. fetch instrumentation: the prompt, and the key in a header
    const instrumented = createInstrumentedFetch(recorder)
    await (
      await instrumented(`${mock}/v1/chat/completions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: secret }] }),
      })
    ).json()
    // 3. the AI SDK transport
    const { Chat, DefaultChatTransport } = (await import(/* @vite-ignore */ inject('aiSdkBundle'))) as Pick<typeof import('@ai-sdk/react'), 'Chat'> &
      Pick<typeof import('ai'), 'DefaultChatTransport'>
    const chat = new Chat<UIMessage>({ transport: recordChatTransport(recorder, new DefaultChatTransport<UIMessage>({ api: `${mock}/api/chat` })) })
    await chat.sendMessage({ text: secret })
    // 4. auto capture: a form field whose value may be recorded, and an uncaught error
    const form = document.createElement('form')
    form.innerHTML = '<input name="note"><button>send</button>'
    form.addEventListener('submit', (event) => event.preventDefault())
    document.body.append(form)
    const stop = autoCapture(recorder, { forms: { values: ['note'] } })
    form.querySelector('input')!.value = secret
    form.requestSubmit()
    window.dispatchEvent(new ErrorEvent('error', { message: `failed for ${secret}`, error: new Error(`failed for ${secret}`) }))
    stop()
    form.remove()
    // 5. snapshot, annotation, transcript
    recorder.snapshot({ state: { systemPrompt: secret, messages: [{ role: 'user', content: secret }] } })
    recorder.annotate({ kind: 'comment', key: 'review', value: secret, target: 'session' })
    recorder.transcript({ speaker: 'user', text: secret, startT: 0, endT: 100 })
    await recorder.stop()
    await recorder.syncNow()

    const stored = await recorder.sessions.events(id)
    const paths = new Set(stored.map((event) => event.type))
    for (const type of ['message.created', 'provider.call.started', 'provider.call.completed', 'user.action', 'error.raised', 'snapshot.created', 'annotation.added', 'transcript.segment']) {
      expect(paths.has(type as TapedeckEvent['type'])).toBe(true)
    }
    const atRest = await rawStoredText(dbName)
    const onTheWire = JSON.stringify(await serverEvents(id))
    expect(onTheWire.length).toBeGreaterThan(1000)
    for (const text of [atRest, onTheWire]) {
      const at = text.indexOf(EMAIL)
      expect(at === -1 ? '' : text.slice(Math.max(0, at - 300), at + 100)).toBe('')
      expect(text).not.toContain(EMAIL)
      expect(text).not.toContain(CARD)
      expect(text).not.toContain(KEY)
      expect(text).toContain('[email]')
    }
    // Every upload went through the proxy, which logs no credential of the recorder's own.
    expect((await proxy.requests()).every((request) => !request.authorization?.includes(KEY))).toBe(true)
    // Raw bytes too (each chunk a gzip member, or NDJSON not compressed yet).
    const db = await openDB<TapedeckDB>(dbName)
    const raw = (await db.getAll('chunkData')).map(chunkText).join('')
    db.close()
    expect(raw).not.toContain(KEY)
    expect((await recorder.sessions.get(id))!.counters.redactions).toBeGreaterThan(10)
  })
})

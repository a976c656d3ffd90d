/**
 * What the recorder keeps on disk, in a real Chromium against real IndexedDB (read around the
 * recorder) and the reference server: encryption at rest, retention of acknowledged chunks, and
 * the local cap with its drop reports.
 */
import { openDB } from 'idb'
import { afterEach, describe, expect, inject, test } from 'vitest'
import { chunkCount, closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { serverEvents } from '../../test/sync'
import type { TapedeckDB } from '../storage/schema'

afterEach(async () => {
  await closeAll()
  localStorage.clear()
})

const server = inject('tapedeckServer')

async function storedBytes(dbName: string): Promise<Uint8Array[]> {
  const db = await openDB<TapedeckDB>(dbName)
  const data = [...(await db.getAll('chunkData')), ...(await db.getAll('blobData'))]
  db.close()
  return data.map((bytes) => new Uint8Array(bytes))
}

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

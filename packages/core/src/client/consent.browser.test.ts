/**
 * Consent and erasure, in a real Chromium against real IndexedDB (read around the recorder) and the
 * reference server: nothing touches storage or the network before consent, withdrawal ends the
 * session, content consent drops text in the worker, and erasure by session and by user.
 */
import { afterEach, describe, expect, inject, test } from 'vitest'
import { chunkCount, closeAll, databaseExists, rawStoredText, recorderFor, uniqueDb } from '../../test/browser'
import { serverEvents, serverSession } from '../../test/sync'
import type { TapedeckEvent } from '../events/catalogue'
import type { SyncBatch } from '../sync/Transport'

afterEach(async () => {
  await closeAll()
  localStorage.clear()
})

const server = inject('tapedeckServer')

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

/**
 * Redaction on every capture path, in a real Chromium against real IndexedDB (read around the
 * recorder) and the reference server: the same secrets through `record()`, the fetch
 * instrumentation, the AI SDK transport, auto capture and the rest are nowhere at rest or on the wire.
 */
import { openDB } from 'idb'
import type { UIMessage } from 'ai'
import { afterEach, describe, expect, inject, test } from 'vitest'
import { chunkText, closeAll, rawStoredText, recorderFor, uniqueDb } from '../../test/browser'
import { newProxy, serverEvents } from '../../test/sync'
import type { TapedeckEvent } from '../events/catalogue'
import { autoCapture } from '../instrument/autoCapture'
import { createInstrumentedFetch } from '../instrument/instrumentFetch'
import { recordChatTransport } from '../instrument/recordChatTransport'
import type { TapedeckDB } from '../storage/schema'

afterEach(async () => {
  await closeAll()
  localStorage.clear()
})

const mock = inject('mockLlm')

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

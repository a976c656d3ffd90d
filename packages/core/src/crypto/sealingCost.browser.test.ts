// What encryptForServer costs when storing: 20,000 chat events made durable, with and without
// sealing, in a real Chromium (worker + IndexedDB). The figure is printed, not asserted (the
// machine is shared); what is asserted is that every event was stored, and sealed when asked.
import { afterEach, expect, test } from 'vitest'
import { closeAll, recorderFor, uniqueDb } from '../../test/browser'

afterEach(closeAll)

const EVENTS = 20_000
const ROUNDS = 3

async function storeChat(publicKey?: JsonWebKey): Promise<{ perSecond: number; sealed: number; bytesPerEvent: number }> {
  const recorder = recorderFor(uniqueDb(), publicKey ? { encryptForServer: { publicKey } } : {})
  await recorder.ready()
  const { id } = await recorder.start()
  const began = performance.now()
  for (let i = 0; i < EVENTS; i++) {
    recorder.record('message.created', { messageId: `m${i}`, role: i % 2 ? 'assistant' : 'user', content: `Message ${i}: where is my order? It was due on Tuesday and the tracking page says nothing.` })
  }
  const { durable } = await recorder.flush()
  const seconds = (performance.now() - began) / 1000
  expect(durable).toBe(EVENTS + 1)
  const stored = await recorder.sessions.export(id)
  const sealed = (await stored.text()).split('"sealed":"').length - 1
  const { storedBytes } = (await recorder.sessions.get(id))!.counters
  await recorder.close()
  return { perSecond: EVENTS / seconds, sealed, bytesPerEvent: storedBytes / (EVENTS + 1) }
}

test(`storing ${EVENTS.toLocaleString('en-US')} chat events: events/s with and without encryptForServer (printed)`, { timeout: 240_000 }, async () => {
  const pair = await crypto.subtle.generateKey({ name: 'RSA-OAEP', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['encrypt', 'decrypt'])
  const publicKey = await crypto.subtle.exportKey('jwk', pair.publicKey)
  const plain: number[] = []
  const sealed: number[] = []
  const bytes = { plain: 0, sealed: 0 }
  // Alternating, so that a slow moment of the shared machine does not fall on one side only.
  for (let round = 0; round < ROUNDS; round++) {
    const clear = await storeChat()
    expect(clear.sealed).toBe(0)
    plain.push(clear.perSecond)
    bytes.plain = clear.bytesPerEvent
    const withSealing = await storeChat(publicKey)
    expect(withSealing.sealed).toBe(EVENTS)
    sealed.push(withSealing.perSecond)
    bytes.sealed = withSealing.bytesPerEvent
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const fmt = (values: number[]) => `${Math.round(median(values)).toLocaleString('en-US')} events/s (runs: ${values.map((v) => Math.round(v).toLocaleString('en-US')).join(', ')})`
  console.log(
    `[sealing cost] ${EVENTS.toLocaleString('en-US')} message.created events, record() to durable, median of ${ROUNDS}:\n` +
      `  without sealing: ${fmt(plain)}\n  with encryptForServer: ${fmt(sealed)}\n` +
      `  sealed / plain: ${(median(sealed) / median(plain)).toFixed(2)}\n` +
      `  stored (gzip) bytes per event: ${bytes.plain.toFixed(1)} without, ${bytes.sealed.toFixed(1)} with sealing`,
  )
})

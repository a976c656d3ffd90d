/**
 * `createRecorder({ autoCapture: { socket } })` in a real Chromium: the page's WebSockets talk to
 * a relay on 127.0.0.1 (packages/core/test/realtimeSocketSetup.ts; the test plays the server on
 * its control socket) and to a closed port; what the recorder stored is read back from IndexedDB.
 */
import { afterEach, describe, expect, inject, test } from 'vitest'
import { closeAll, rawStoredText, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import type { Recorder, RecorderOptions } from '../client/types'
import type { TapedeckEvent } from '../events/catalogue'
import { captureSocket } from './captureSocket'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Recorded = TapedeckEvent & { data: Record<string, any> }

const relay = inject('realtimeSocket')
/** The recorder's built-in redaction replaces IP addresses. */
const storedRelay = relay.replace('127.0.0.1', '[ip]')
const PageSocket = window.WebSocket
const pageSend = WebSocket.prototype.send
const opened: WebSocket[] = []

afterEach(async () => {
  for (const socket of opened.splice(0)) socket.close()
  await closeAll()
  // Closing the recorder puts back what it patched.
  expect(window.WebSocket).toBe(PageSocket)
  expect(WebSocket.prototype.send).toBe(pageSend)
})

async function recording(options: RecorderOptions) {
  const dbName = uniqueDb()
  const recorder = recorderFor(dbName, options)
  const { id } = await recorder.start()
  return { dbName, recorder, id }
}

async function stored(recorder: Recorder, id: string): Promise<Recorded[]> {
  await recorder.flush()
  return ((await recorder.sessions.events(id)) as Recorded[]).filter((e) => e.type === 'network.socket')
}

function socketTo(url: string): WebSocket {
  const socket = new WebSocket(url)
  opened.push(socket)
  return socket
}

const event = (socket: WebSocket, type: string) => new Promise<Event>((resolve) => socket.addEventListener(type, resolve, { once: true }))

describe('autoCapture.socket', () => {
  test('open and close are recorded with the close code and reason and the messages and bytes each way — not the messages, not the query (checked at rest)', async () => {
    const room = crypto.randomUUID()
    // The test's side of the relay exists before the recorder: it is not the page's traffic.
    const control = socketTo(`${relay}/control?room=${room}`)
    await event(control, 'open')
    const serverGot: string[] = []
    control.addEventListener('message', (message) => serverGot.push(String(message.data)))

    const { dbName, recorder, id } = await recording({ autoCapture: { socket: true } })
    const app = socketTo(`${relay}/v1/chat?room=${room}&token=SECRET-SOCKET-QUERY`)
    expect(app).toBeInstanceOf(WebSocket)
    expect(app).toBeInstanceOf(PageSocket)
    const appGot: string[] = []
    app.onmessage = (message) => appGot.push(String(message.data))
    await event(app, 'open')
    app.send('SECRET-PROMPT') // 13 bytes
    app.send(new Uint8Array(7)) // 7 bytes (the relay passes it on as text)
    app.send(new Blob(['héllo'])) // 6 bytes
    await waitFor(() => serverGot.length, (n) => n === 3)
    control.send('SECRET-ANSWER ✓') // 14 + 3 bytes
    control.send('ok')
    await waitFor(() => appGot.length, (n) => n === 2)
    const closed = event(app, 'close')
    control.close() // the relay closes the app's socket with 1000 "done"
    await closed

    expect(appGot).toEqual(['SECRET-ANSWER ✓', 'ok'])
    const socketEvents = await stored(recorder, id)
    expect(socketEvents.map((e) => e.data)).toEqual([
      { state: 'open', url: `${storedRelay}/v1/chat`, protocol: '' },
      {
        state: 'closed',
        url: `${storedRelay}/v1/chat`,
        code: 1000,
        reason: 'done',
        wasClean: true,
        sent: { messages: 3, bytes: 26 },
        received: { messages: 2, bytes: 19 },
        durationMs: expect.any(Number),
      },
    ])
    expect(await rawStoredText(dbName)).not.toContain('SECRET')
  })

  test('a socket that cannot connect is recorded as error then closed 1006; the page’s own handlers still run', async () => {
    const { recorder, id } = await recording({ autoCapture: { socket: { query: true } } })
    const socket = socketTo('ws://127.0.0.1:9/refused?attempt=2')
    const seen: string[] = []
    socket.onerror = () => seen.push('error')
    socket.addEventListener('close', () => seen.push('close'))
    await event(socket, 'close')
    expect(seen).toEqual(['error', 'close'])
    const socketEvents = await stored(recorder, id)
    expect(socketEvents.map((e) => ({ ...e.data, durationMs: typeof e.data.durationMs }))).toEqual([
      { state: 'error', url: 'ws://[ip]:9/refused?attempt=2', durationMs: 'number' },
      { state: 'closed', url: 'ws://[ip]:9/refused?attempt=2', code: 1006, reason: '', wasClean: false, sent: { messages: 0, bytes: 0 }, received: { messages: 0, bytes: 0 }, durationMs: 'number' },
    ])
  })

  test('the page’s sockets behave as without the recorder: errors it throws, subclasses, statics; nothing recorded once stopped', async () => {
    const { dbName, recorder, id } = await recording({ autoCapture: { socket: true } })
    expect(WebSocket).not.toBe(PageSocket)
    expect(WebSocket.OPEN).toBe(1)
    expect(WebSocket.prototype).toBe(PageSocket.prototype)
    expect(() => new WebSocket('ftp://127.0.0.1/')).toThrow(DOMException) // SyntaxError, as the browser throws it
    // @ts-expect-error called without new, as a page might by mistake
    expect(() => WebSocket(`${relay}/x`)).toThrow(TypeError)
    const connecting = socketTo(`${relay}/v1/chat?room=${crypto.randomUUID()}`)
    expect(() => connecting.send('too early')).toThrow(DOMException) // InvalidStateError, as the browser throws it
    expect(() => pageSend.call({} as WebSocket, 'x')).toThrow(TypeError)
    class AppSocket extends WebSocket {
      tag = 'app'
    }
    const own = new AppSocket(`${relay}/v1/chat?room=${crypto.randomUUID()}`)
    opened.push(own)
    expect(own).toBeInstanceOf(PageSocket)
    expect(own.tag).toBe('app')
    await event(own, 'open')
    await waitFor(() => stored(recorder, id), (events) => events.filter((e) => e.data.state === 'open').length === 2)

    await recorder.stop()
    const late = socketTo(`${relay}/v1/late?room=${crypto.randomUUID()}`)
    await event(late, 'open')
    late.send('after stop')
    own.close()
    await event(own, 'close')
    await recorder.close()
    const events = (await recorderFor(dbName).sessions.events(id)) as Recorded[]
    expect(events.filter((e) => e.type === 'network.socket').map((e) => e.data.state)).toEqual(['open', 'open'])
  })

  test('a window whose WebSocket cannot be replaced is left as it is, send included, and nothing throws', async () => {
    const { recorder } = await recording({})
    const frozen = Object.defineProperty({}, 'WebSocket', { value: PageSocket, writable: false, enumerable: true }) as unknown as Window
    let stop: (() => void) | undefined
    expect(() => (stop = captureSocket(recorder, { window: frozen }))).not.toThrow()
    expect(WebSocket.prototype.send).toBe(pageSend)
    expect(() => stop!()).not.toThrow()
  })

  test('socket capture is off unless asked for; the recorder’s own endpoint is never recorded', async () => {
    const off = await recording({ autoCapture: { network: true } })
    expect(window.WebSocket).toBe(PageSocket)
    await off.recorder.close()
    const { recorder, id } = await recording({ autoCapture: { socket: true }, endpoint: `${relay.replace('ws:', 'http:')}/own`, sync: 'manual' })
    const own = socketTo(`${relay}/own/stream?room=${crypto.randomUUID()}`)
    await event(own, 'open')
    expect(await stored(recorder, id)).toEqual([])
  })
})

import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandler } from '../http/createHandler.js'
import { serve, type RunningServer } from '../node/serve.js'
import { createMemoryStore } from '../store/createMemoryStore.js'

/** Everything the server sends on a socket until it closes it, and how long that took; fails past `withinMs`. */
function untilClosed(socket: Socket, withinMs: number): Promise<{ text: string; ms: number }> {
  const started = performance.now()
  let text = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${withinMs} ms; got ${JSON.stringify(text.slice(0, 80))}`)), withinMs)
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ text, ms: performance.now() - started })
    })
  })
}

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket))
    socket.once('error', reject)
  })
}

describe('slow and many clients (serve)', () => {
  let server: RunningServer
  afterEach(async () => {
    await server.close()
  })

  const start = (options: { headersTimeoutMs?: number; requestTimeoutMs?: number; maxConnections?: number }) =>
    serve({ handler: createHandler({ store: createMemoryStore(), log: false }), port: 0, ...options })

  it('answers 408 and closes a connection whose headers do not arrive within the headers timeout', async () => {
    server = await start({ headersTimeoutMs: 400, requestTimeoutMs: 5000 })
    const socket = await open(server.url)
    socket.write('POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: applic')
    const { text, ms } = await untilClosed(socket, 3000)
    expect(text).toMatch(/^HTTP\/1\.1 408 /)
    expect(ms).toBeGreaterThanOrEqual(300)
  })

  it('answers 408 and closes a request whose body trickles in past the request timeout', async () => {
    server = await start({ headersTimeoutMs: 400, requestTimeoutMs: 800 })
    const socket = await open(server.url)
    socket.write('POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTapedeck-Session: s_1\r\nTapedeck-Seq: 0-0\r\nIdempotency-Key: k\r\nContent-Length: 1000\r\n\r\n')
    const trickle = setInterval(() => socket.writable && socket.write('{'), 100)
    try {
      const { text, ms } = await untilClosed(socket, 4000)
      expect(text).toMatch(/^HTTP\/1\.1 408 /)
      expect(ms).toBeGreaterThanOrEqual(600)
    } finally {
      clearInterval(trickle)
    }
  })

  it('closes connections past maxConnections at once, and takes new ones when others leave', async () => {
    server = await start({ maxConnections: 3 })
    const held = await Promise.all([open(server.url), open(server.url), open(server.url)])
    const extra = await open(server.url)
    const { text } = await untilClosed(extra, 2000)
    expect(text).toBe('')
    held[0]!.destroy()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    for (const socket of held) socket.destroy()
  })
})

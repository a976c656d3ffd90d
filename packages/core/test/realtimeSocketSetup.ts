/**
 * Global setup for the browser tests (runs in Node): a mock OpenAI Realtime WebSocket server on
 * 127.0.0.1, provided as `realtimeSocket`. It is a relay, so the test plays the server's side:
 * an app connects to `/v1/realtime?room=R`, the test to `/control?room=R`; what the test sends on
 * its control socket goes to the app as a server event, and what the app sends is passed back to
 * the control socket, so the test sees the server's view of the traffic. Real sockets on
 * loopback: framing, ordering and close as a browser sees them from a server.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'
import { WebSocketServer, type WebSocket } from 'ws'

declare module 'vitest' {
  export interface ProvidedContext {
    realtimeSocket: string
  }
}

export default async function setup(project: TestProject) {
  const relay = await startRealtimeSocketRelay()
  project.provide('realtimeSocket', relay.url)
  return relay.close
}

/** The relay on a free port of 127.0.0.1 (also used by e2e/realtime.spec.ts). */
export async function startRealtimeSocketRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer((_, res) => res.writeHead(426).end())
  const wss = new WebSocketServer({ server: http })
  const rooms = new Map<string, { app?: WebSocket; control?: WebSocket; pending: string[] }>()
  wss.on('connection', (socket, req) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const name = url.searchParams.get('room') ?? ''
    const room = rooms.get(name) ?? { pending: [] }
    rooms.set(name, room)
    if (url.pathname === '/control') {
      room.control = socket
      for (const message of room.pending.splice(0)) socket.send(message)
      socket.on('message', (data) => room.app?.send(data.toString()))
      socket.on('close', () => room.app?.close(1000, 'done'))
    } else {
      room.app = socket
      socket.on('message', (data) => (room.control ? room.control.send(data.toString()) : room.pending.push(data.toString())))
      socket.on('close', () => {
        room.control?.close()
        rooms.delete(name)
      })
    }
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    async close() {
      for (const client of wss.clients) client.terminate()
      await new Promise((resolve) => wss.close(resolve))
      await new Promise((resolve) => http.close(resolve))
    },
  }
}

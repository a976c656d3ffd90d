import type { NetworkSocketData, SocketTraffic } from '../events/catalogue'
import { createSafeRecorder, type RecorderLike } from '../instrument/safeRecorder'
import type { SocketCaptureOptions } from './captureOptions'
import { rateLimit } from './rateLimit'
import { requestUrl } from './requestUrl'

export type { SocketCaptureOptions }

interface Watched {
  at: number
  sent: SocketTraffic
  received: SocketTraffic
}

/**
 * Records the page's WebSockets as `network.socket` (docs/capture.md): one event when a socket
 * opens, one when it fails, one when it closes with its code, reason and the messages and bytes
 * that went each way — never the messages themselves. `WebSocket` stays the same class to the app
 * (a `Proxy` of it: same prototype, statics and `instanceof`); sockets, their events and `send`
 * are untouched, and recording never throws into them. Returns the stop, which puts `WebSocket`
 * and `send` back (unless someone wrapped them since; ours then records nothing).
 */
export function captureSocket(recorder: RecorderLike, options: SocketCaptureOptions = {}): () => void {
  const win = (options.window ?? globalThis) as unknown as { WebSocket?: typeof WebSocket }
  const Original = win.WebSocket
  if (typeof Original !== 'function') return () => {}
  const safe = createSafeRecorder(recorder)
  const limit = rateLimit(options.perMinute ?? 30)
  // A socket's URL is ws: or wss:, whatever the page passed; an http(s) prefix (an endpoint) means its ws(s) twin.
  const ignore = (options.ignore ?? []).filter(Boolean).map((prefix) => prefix.replace(/^http/i, 'ws'))
  const sockets = new WeakMap<WebSocket, Watched>()
  let active = true

  const report = (data: NetworkSocketData) => {
    try {
      if (active && safe.active()) safe.record('network.socket', data)
    } catch (error) {
      safe.fail(error)
    }
  }

  const watch = (socket: WebSocket, url: string) => {
    if (!active || !safe.active() || ignore.some((prefix) => url.startsWith(prefix))) return
    const suppressed = limit.take()
    if (suppressed === false) return
    const recorded = requestUrl(url, options.query)
    const watched: Watched = { at: performance.now(), sent: { messages: 0, bytes: 0 }, received: { messages: 0, bytes: 0 } }
    sockets.set(socket, watched)
    socket.addEventListener('open', () => report({ state: 'open', url: recorded, protocol: socket.protocol, ...(suppressed > 0 && { suppressed }) }))
    socket.addEventListener('error', () => report({ state: 'error', url: recorded, durationMs: since(watched) }))
    socket.addEventListener('message', (event) => count(watched.received, event.data))
    socket.addEventListener('close', (event) => {
      sockets.delete(socket)
      report({ state: 'closed', url: recorded, code: event.code, reason: event.reason.slice(0, 123), wasClean: event.wasClean, sent: watched.sent, received: watched.received, durationMs: since(watched) })
    })
  }

  const Patched = new Proxy(Original, {
    construct(target, args: unknown[], newTarget) {
      const socket = Reflect.construct(target, args, newTarget) as WebSocket
      try {
        watch(socket, socket.url)
      } catch (error) {
        safe.fail(error)
      }
      return socket
    },
  })

  const proto = Original.prototype
  const { send } = proto
  const patchedSend = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    let watched: Watched | undefined
    try {
      // Only what an open socket takes is traffic (a closing one drops it); not ours to judge otherwise.
      watched = this.readyState === 1 ? sockets.get(this) : undefined
    } catch {
      // not a socket: the browser's send says so below
    }
    send.call(this, data)
    if (watched) count(watched.sent, data)
  }

  const stop = () => {
    active = false
    if (win.WebSocket === Patched) win.WebSocket = Original
    if (proto.send === patchedSend) proto.send = send
  }
  try {
    proto.send = patchedSend
    win.WebSocket = Patched
  } catch (error) {
    // A page that froze WebSocket keeps it: nothing is recorded.
    stop()
    safe.fail(error)
  }
  return stop
}

function since(watched: Watched): number {
  return Math.round(performance.now() - watched.at)
}

/** Adds one message to a direction's counts; never throws. */
function count(traffic: SocketTraffic, data: unknown): void {
  try {
    traffic.messages++
    traffic.bytes += byteLength(data)
  } catch {
    // a message we cannot measure still counts as one
  }
}

function byteLength(data: unknown): number {
  if (typeof data === 'string') return utf8Length(data)
  if (data instanceof Blob) return data.size
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength
  return 0
}

/** UTF-8 length of a string without encoding it (a lone surrogate counts 3, as `TextEncoder` writes U+FFFD). */
function utf8Length(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    if (code < 0x800) bytes += 1
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2
      i++
    } else bytes += 2
  }
  return bytes
}

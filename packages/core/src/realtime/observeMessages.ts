/**
 * Observes a message transport that speaks JSON text both ways — an `RTCDataChannel` or a
 * `WebSocket`, which share `send`, `message` and `close` — without changing what goes over it:
 * received messages are read by a listener; the app's sends go out exactly as given and a copy is
 * read after. Returns the undo.
 */
import type { RealtimeFolder } from './RealtimeFolder'

export interface MessageTransport extends EventTarget {
  send(data: never): void
}

const parse = (data: unknown): unknown => {
  if (typeof data !== 'string') return undefined
  try {
    return JSON.parse(data)
  } catch {
    return undefined
  }
}

/** Where observed messages go: the folder, and over a socket its audio too. */
export type MessageSink = Pick<RealtimeFolder, 'server' | 'client' | 'close'>

export function observeMessages(transport: MessageTransport, folder: MessageSink, closeReason: string): () => void {
  const onMessage = (message: Event) => folder.server(parse((message as MessageEvent).data))
  const onClose = () => folder.close(closeReason)
  transport.addEventListener('message', onMessage)
  transport.addEventListener('close', onClose)
  const own = Object.prototype.hasOwnProperty.call(transport, 'send')
  const send = transport.send
  const observed = function (this: MessageTransport, data: never) {
    const result = send.call(this, data)
    folder.client(parse(data))
    return result
  }
  transport.send = observed
  return () => {
    transport.removeEventListener('message', onMessage)
    transport.removeEventListener('close', onClose)
    if (transport.send !== observed) return // the app replaced it since: keep the app's
    if (own) transport.send = send
    else delete (transport as Partial<MessageTransport>).send
  }
}

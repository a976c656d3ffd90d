import type { ServerError } from '../ServerError.js'
import type { WireEvent } from '../store/SessionStore.js'

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  })
}

/** The bytes as a Response body takes them: views of an ArrayBuffer pass as they are, others are copied. */
export function bodyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)
}

/** `{ error: { code, message, requestId } }`, so a report from a user can be found in the log. */
export function errorResponse(error: ServerError, requestId?: string): Response {
  const headers: Record<string, string> = { ...error.headers, ...(error.status === 401 && { 'WWW-Authenticate': 'Bearer' }) }
  return json(error.status, { error: { code: error.code, message: error.message, ...(requestId && { requestId }) } }, headers)
}

const FLUSH_CHARS = 64 * 1024

/**
 * Streams events as NDJSON, pulling from the store only as fast as the client reads; `line`
 * gives an item's line (default JSON.stringify; a store's stored text passes as it is).
 */
export function ndjsonStream<T = WireEvent>(events: AsyncIterable<T>, line: (item: T) => string = JSON.stringify): ReadableStream<Uint8Array> {
  const iterator = events[Symbol.asyncIterator]()
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let text = ''
      while (text.length < FLUSH_CHARS) {
        const next = await iterator.next()
        if (next.done) {
          if (text) controller.enqueue(encoder.encode(text))
          controller.close()
          return
        }
        text += `${line(next.value)}\n`
      }
      controller.enqueue(encoder.encode(text))
    },
    async cancel() {
      await iterator.return?.()
    },
  })
}

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Handler } from '../http/createHandler.js'
import { markRawPath, rawPathProblem } from '../http/pathCheck.js'
import { errorResponse } from '../http/responses.js'
import { ServerError } from '../ServerError.js'
import { DEFAULT_MAX_DRAIN_BYTES, type NodeListenerOptions } from './NodeListenerOptions.js'

export type NodeListener = (request: IncomingMessage, response: ServerResponse) => void

/**
 * Adapts a Fetch-API handler to `http.createServer` and Express (`app.use('/tapedeck', …)`):
 * request and response bodies are streamed with backpressure in both directions.
 */
export function toNodeListener(handler: Handler, options: NodeListenerOptions = {}): NodeListener {
  const maxDrainBytes = options.maxDrainBytes ?? DEFAULT_MAX_DRAIN_BYTES
  return (req, res) => {
    void respond(handler, req, res, maxDrainBytes).catch(async () => {
      if (res.headersSent) res.destroy()
      else await writeResponse(req, res, errorResponse(new ServerError('internal_error', 'The handler failed.')), maxDrainBytes).catch(() => res.destroy())
    })
  }
}

async function respond(handler: Handler, req: IncomingMessage, res: ServerResponse, maxDrainBytes: number): Promise<void> {
  const abort = new AbortController()
  res.once('close', () => abort.abort())
  const target = req.url ?? '/'
  // A Request holds the parsed path only: a raw path that parses to another one is refused, not rewritten.
  const problem = rawPathProblem(target)
  const request = toRequest(req, problem === null ? target : '/', abort.signal)
  if (problem !== null) markRawPath(request, problem)
  await writeResponse(req, res, await handler(request), maxDrainBytes)
}

function toRequest(req: IncomingMessage, target: string, signal: AbortSignal): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
  }
  const method = req.method ?? 'GET'
  const hasBody = method !== 'GET' && method !== 'HEAD'
  const body = hasBody ? (req.readableEnded ? bodyReadBefore(req, headers) : bodyStream(req)) : undefined
  return new Request(new URL(target, 'http://localhost'), {
    method,
    headers,
    signal,
    ...(body !== undefined && { body, duplex: 'half' }),
  } as RequestInit)
}

/**
 * The body that middleware in front already read from the socket (Express with `express.raw()`,
 * `express.text()` or `express.json()`), from what it left in `req.body`: the stream has
 * ended, so waiting on it would hang. A raw body that body-parser inflated (its default) no
 * longer starts with gzip's magic bytes, so its Content-Encoding goes.
 */
function bodyReadBefore(req: IncomingMessage, headers: Headers): Uint8Array<ArrayBuffer> {
  const parsed = (req as { body?: unknown }).body
  let bytes = new Uint8Array(0)
  if (parsed instanceof Uint8Array) bytes = Uint8Array.from(parsed)
  else if (typeof parsed === 'string') bytes = new TextEncoder().encode(parsed)
  else if (parsed !== undefined && parsed !== null) bytes = new TextEncoder().encode(JSON.stringify(parsed))
  if (headers.has('content-encoding') && !(bytes[0] === 0x1f && bytes[1] === 0x8b)) headers.delete('content-encoding')
  headers.set('content-length', String(bytes.length))
  return bytes
}

/** The request body, read only as fast as the handler pulls. Cancelling leaves the socket for the response. */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
        if ((controller.desiredSize ?? 0) <= 0) req.pause()
      })
      req.once('end', () => cancelled || controller.close())
      req.once('error', (error) => cancelled || controller.error(error))
      req.pause()
    },
    pull() {
      req.resume()
    },
    cancel() {
      cancelled = true
      req.removeAllListeners('data')
      req.pause()
    },
  }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength })
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response, maxDrainBytes: number): Promise<void> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  res.writeHead(response.status, headers)
  if (response.body) {
    const reader = response.body.getReader()
    try {
      for (;;) {
        if (res.destroyed) {
          await reader.cancel()
          return
        }
        const { done, value } = await reader.read()
        if (done) break
        if (!res.write(value)) await drained(res)
      }
    } catch (error) {
      res.destroy(error as Error)
      return
    }
  }
  res.end()
  if (!req.complete) drain(req, res, maxDrainBytes)
}

/**
 * Reads and discards the rest of a body the handler did not read, up to `maxBytes`: closing
 * while a client still sends makes it see a reset instead of the answer. Past the limit the
 * connection is closed. The server's request timeout bounds how long this may take.
 */
function drain(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  let drained = 0
  req.removeAllListeners('data')
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length
    if (drained > maxBytes) {
      req.removeAllListeners('data')
      res.destroy()
    }
  })
  req.resume()
}

/** Resolves when the socket takes more data or has closed, leaving no listener behind. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

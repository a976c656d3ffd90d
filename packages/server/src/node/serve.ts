import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Handler } from '../http/createHandler.js'
import { ServerError } from '../ServerError.js'
import type { NodeListenerOptions } from './NodeListenerOptions.js'
import { toNodeListener } from './toNodeListener.js'

export interface ServeOptions extends NodeListenerOptions {
  handler: Handler
  /** Default 8787; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1: reachable from this machine only. Use 0.0.0.0 to listen on every interface. */
  host?: string
  /** Time a client has to send a request's headers; past it the server answers 408 and closes. Default 10 s. */
  headersTimeoutMs?: number
  /** Time a client has to send a whole request, body included; past it 408 and close. Default 60 s. */
  requestTimeoutMs?: number
  /** Open connections at most; a connection past it is closed as soon as it is accepted. Default 1024. */
  maxConnections?: number
}

export const SERVE_DEFAULTS = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, maxConnections: 1024 } as const

export interface RunningServer {
  /** e.g. http://127.0.0.1:8787 */
  url: string
  /** Stops listening and closes open connections. */
  close(): Promise<void>
}

/** Runs a handler on node:http, with explicit timeouts and a cap on connections (docs/server.md, "Limits"). */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { handler, port = 8787, host = '127.0.0.1' } = options
  const headersTimeoutMs = options.headersTimeoutMs ?? SERVE_DEFAULTS.headersTimeoutMs
  const requestTimeoutMs = options.requestTimeoutMs ?? SERVE_DEFAULTS.requestTimeoutMs
  const maxConnections = options.maxConnections ?? SERVE_DEFAULTS.maxConnections
  if (!(headersTimeoutMs > 0 && requestTimeoutMs >= headersTimeoutMs)) {
    throw new ServerError('invalid_options', 'headersTimeoutMs must be positive and at most requestTimeoutMs.')
  }
  if (!(Number.isInteger(maxConnections) && maxConnections > 0)) throw new ServerError('invalid_options', 'maxConnections must be a positive integer.')
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node checks both timeouts on this interval (default 30 s): check often enough to keep them.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, headersTimeoutMs / 4)),
    },
    toNodeListener(handler, options),
  )
  server.maxConnections = maxConnections
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}


import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Handler } from '../http/createHandler.js'
import { toNodeListener } from './toNodeListener.js'

export interface ServeOptions {
  handler: Handler
  /** Default 8787; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1: reachable from this machine only. Use 0.0.0.0 to listen on every interface. */
  host?: string
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8787 */
  url: string
  /** Stops listening and closes open connections. */
  close(): Promise<void>
}

/** Runs a handler on node:http. */
export async function serve({ handler, port = 8787, host = '127.0.0.1' }: ServeOptions): Promise<RunningServer> {
  const server = createServer(toNodeListener(handler))
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

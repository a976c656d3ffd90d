/**
 * A real HTTP proxy in front of a real Tapedeck server that misbehaves on purpose: it answers
 * with chosen statuses, drops connections, loses responses after the server stored the batch,
 * and slows down — in a scripted order or at random from a seed. Tests in the browser steer it
 * over HTTP (`/__control/…`); tests in Node call it directly.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { seeded } from '../../packages/core/test/seeded.mjs'

export type FaultAction =
  | 'pass'
  /** Close the connection before any answer: a network error. */
  | 'drop'
  /** Forward (the server stores the batch), then close without passing the answer on. */
  | 'lose-response'
  | { status: number; retryAfter?: string; body?: string }
  | { delayMs: number }

export interface FaultPlan {
  /** Actions for the next uploads, in order; then `fallback`. */
  queue?: FaultAction[]
  fallback?: FaultAction
  /** Faults at random, reproducible from the seed. Probabilities per upload. */
  random?: { seed: number; drop?: number; loseResponse?: number; error5xx?: number; tooMany?: number; slow?: number; slowMs?: number }
  /** When set, uploads without `Authorization: Bearer <one of these>` get 401. */
  tokens?: string[]
}

export interface LoggedRequest {
  at: number
  method: string
  path: string
  key: string | null
  session: string | null
  seq: string | null
  authorization: string | null
  action: string
  status: number | null
}

export interface FaultProxy {
  url: string
  upstream: string
  plan: FaultPlan
  requests: LoggedRequest[]
  setPlan(plan: FaultPlan): void
  close(): Promise<void>
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Expose-Headers': 'Retry-After',
}

export async function startFaultProxy(upstream: string, port = 0): Promise<FaultProxy> {
  const target = new URL(upstream)
  let random: (() => number) | undefined
  const proxy: FaultProxy = {
    url: '',
    upstream,
    plan: {},
    requests: [],
    setPlan(plan) {
      proxy.plan = { ...plan, queue: [...(plan.queue ?? [])] }
      random = plan.random ? seeded(plan.random.seed) : undefined
    },
    close: async () => {
      // As the real server does: a connection the browser keeps open (its pool outlives a closed
      // page) or a request left half-sent would otherwise hold close() until the test times out.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }

  function choose(): FaultAction {
    const { plan } = proxy
    if (plan.queue && plan.queue.length > 0) return plan.queue.shift()!
    if (plan.random && random) {
      const r = random()
      const { drop = 0, loseResponse = 0, error5xx = 0, tooMany = 0, slow = 0, slowMs = 300 } = plan.random
      let edge = drop
      if (r < edge) return 'drop'
      if (r < (edge += loseResponse)) return 'lose-response'
      if (r < (edge += error5xx)) return { status: [500, 502, 503][Math.floor(random() * 3)]! }
      if (r < (edge += tooMany)) return { status: 429, retryAfter: '0' }
      if (r < (edge += slow)) return { delayMs: slowMs }
    }
    return plan.fallback ?? 'pass'
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, loseResponse: boolean, log: LoggedRequest) {
    const upstreamRequest = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (upstreamResponse) => {
        log.status = upstreamResponse.statusCode ?? null
        if (loseResponse) {
          upstreamResponse.resume()
          upstreamResponse.on('end', () => req.socket.destroy())
          return
        }
        const headers = Object.fromEntries(Object.entries(upstreamResponse.headers).filter(([name]) => !name.startsWith('access-control-')))
        res.writeHead(upstreamResponse.statusCode ?? 502, { ...headers, ...CORS })
        upstreamResponse.pipe(res)
      },
    )
    upstreamRequest.on('error', () => req.socket.destroy())
    upstreamRequest.end(body)
  }

  async function control(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const json = (value: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json', ...CORS })
      res.end(JSON.stringify(value))
    }
    if (req.url === '/__control/plan' && req.method === 'POST') return json(proxy.setPlan(JSON.parse(body.toString() || '{}')) ?? {})
    if (req.url === '/__control/requests') return json(proxy.requests)
    if (req.url === '/__control/reset' && req.method === 'POST') {
      proxy.setPlan({})
      proxy.requests.length = 0
      return json({})
    }
    res.writeHead(404, CORS)
    res.end()
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const path = req.url ?? '/'
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS)
        res.end()
        return
      }
      if (path.startsWith('/__control/')) return void control(req, res, body)
      const upload = (req.method === 'POST' && path.startsWith('/v1/batches')) || req.method === 'PUT'
      const header = (name: string) => (req.headers[name] as string | undefined) ?? null
      const log: LoggedRequest = {
        at: Date.now(),
        method: req.method ?? '',
        path,
        key: header('idempotency-key'),
        session: header('tapedeck-session'),
        seq: header('tapedeck-seq'),
        authorization: header('authorization'),
        action: 'pass',
        status: null,
      }
      if (!upload) return forward(req, res, body, false, log)
      proxy.requests.push(log)
      const tokens = proxy.plan.tokens
      if (tokens && !tokens.some((token) => log.authorization === `Bearer ${token}`)) {
        log.action = 'auth'
        log.status = 401
        res.writeHead(401, { 'Content-Type': 'application/json', ...CORS })
        res.end('{"error":{"code":"unauthorized","message":"bad token"}}')
        return
      }
      const action = choose()
      log.action = typeof action === 'string' ? action : 'status' in action ? `status ${action.status}` : `delay ${action.delayMs}`
      if (action === 'drop') return void req.socket.destroy()
      if (action === 'pass' || action === 'lose-response') return forward(req, res, body, action === 'lose-response', log)
      if ('delayMs' in action) return void setTimeout(() => forward(req, res, body, false, log), action.delayMs)
      log.status = action.status
      res.writeHead(action.status, { 'Content-Type': 'text/plain', ...CORS, ...(action.retryAfter !== undefined && { 'Retry-After': action.retryAfter }) })
      res.end(action.body ?? `injected ${action.status}`)
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}

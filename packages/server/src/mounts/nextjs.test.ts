import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHandler } from '../http/createHandler.js'
import { createMemoryStore } from '../store/createMemoryStore.js'
import type { SessionStore } from '../store/SessionStore.js'
import { gzip, ndjson, recordSession } from '../testing/events.js'
import { checkMount } from '../testing/mountContract.js'

// docs/server.md, "Next.js route handler": app/tapedeck/[...path]/route.ts exports the handler
// under each method name. Next.js calls the export named by the request's method with a Fetch
// API Request (its body a stream of the incoming bytes, `duplex: 'half'`) and a context whose
// `params` is a promise; a module without HEAD gets GET's export for HEAD, and one without
// OPTIONS an automatic 204 with `Allow` (Next's autoImplementMethods).
type RouteHandler = (request: Request, context: { params: Promise<{ path: string[] }> }) => Response | Promise<Response>
type RouteModule = Partial<Record<'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS', RouteHandler>>

/** The route module exactly as the docs give it (file store swapped for memory). */
function routeModule(store: SessionStore): RouteModule {
  const handler = createHandler({ store, log: false, basePath: '/tapedeck' })
  return { GET: handler, POST: handler, PUT: handler, DELETE: handler, OPTIONS: handler }
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** How Next.js picks the function for a method: the export, HEAD from GET, else 405. */
function handlerFor(route: RouteModule, method: string): RouteHandler {
  const own = route[method as keyof RouteModule]
  if (own) return own
  if (method === 'HEAD' && route.GET) return route.GET
  if (method === 'OPTIONS') {
    const allow = METHODS.filter((name) => route[name] || (name === 'HEAD' && route.GET) || name === 'OPTIONS')
    return () => new Response(null, { status: 204, headers: { Allow: allow.sort().join(', ') } })
  }
  return () => new Response(null, { status: 405 })
}

/** Calls the route as Next.js does for `/tapedeck/…`: the catch-all's segments as the `params` promise. */
function call(route: RouteModule, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname.split('/').slice(2)
  return Promise.resolve(handlerFor(route, request.method)(request, { params: Promise.resolve({ path }) }))
}

/** A request body as Next.js hands it over: a stream, in chunks as they arrive, never read before. */
function streamed(bytes: Uint8Array, chunk = 7): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 1))
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(at, (at += chunk)))
    },
  })
}

/** Next.js's server in miniature: each request becomes a Request (streamed body) for the route; HEAD answers carry no body. */
function serveLikeNext(route: RouteModule): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET'
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) for (const item of [value ?? []].flat()) headers.append(name, item)
    const hasBody = method !== 'GET' && method !== 'HEAD'
    const init: RequestInit & { duplex?: 'half' } = { method, headers, ...(hasBody && { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' }) }
    void call(route, new Request(`http://${req.headers.host}${req.url}`, init)).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers))
      if (method === 'HEAD' || !response.body) return res.end()
      const reader = response.body.getReader()
      for (let part = await reader.read(); !part.done; part = await reader.read()) res.write(part.value)
      res.end()
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })))
}

describe('mounted as a Next.js app-router route handler', { timeout: 30_000 }, () => {
  let store: SessionStore
  let server: Server | undefined
  beforeEach(() => {
    store = createMemoryStore()
  })
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
    server = undefined
    await store.close()
  })

  it('ingests and reads through Next.js’s way of calling it (the mount contract)', async () => {
    const served = await serveLikeNext(routeModule(store))
    server = served.server
    await checkMount(`${served.url}/tapedeck`)
  })

  it('POST with a streamed gzip body, read back with GET, called as Next.js calls the exports', async () => {
    const route = routeModule(store)
    const { events } = recordSession('s_next', 40)
    const response = await call(
      route,
      new Request('http://app.test/tapedeck/v1/batches', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Idempotency-Key': 'k_next', 'Tapedeck-Session': 's_next', 'Tapedeck-Seq': '0-39' },
        body: streamed(gzip(ndjson(events))),
        duplex: 'half',
      } as RequestInit),
    )
    expect([response.status, await response.json()]).toEqual([201, expect.objectContaining({ status: 'stored', stored: 40 })])
    const read = await call(route, new Request('http://app.test/tapedeck/v1/sessions/s_next/events'))
    expect((await read.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(events)
    // A body that breaks off mid-stream is refused with a 4xx and its code, and stores nothing.
    const cut = gzip(ndjson(recordSession('s_cut', 40).events))
    const broken = await call(
      route,
      new Request('http://app.test/tapedeck/v1/batches', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Idempotency-Key': 'k_cut', 'Tapedeck-Session': 's_cut', 'Tapedeck-Seq': '0-39' },
        body: streamed(cut.slice(0, cut.length >> 1)),
        duplex: 'half',
      } as RequestInit),
    )
    expect(broken.status).toBeGreaterThanOrEqual(400)
    expect(broken.status).toBeLessThan(500)
    expect(((await broken.json()) as { error: { code: string } }).error.code).toEqual(expect.any(String))
    expect((await call(route, new Request('http://app.test/tapedeck/v1/sessions/s_cut'))).status).toBe(404)
  })

  // Next.js calls the GET export for HEAD; the handler answers HEAD as GET without the body, so
  // an uptime check on /healthz works under Next as anywhere else.
  it('HEAD: Next.js calls the GET export with the HEAD request, answered as GET without the body', async () => {
    const route = routeModule(store)
    for (const path of ['/tapedeck/healthz', '/tapedeck/v1/sessions']) {
      const get = await call(route, new Request(`http://app.test${path}`))
      const head = await call(route, new Request(`http://app.test${path}`, { method: 'HEAD' }))
      expect([head.status, head.body, head.headers.get('Content-Type')]).toEqual([200, null, get.headers.get('Content-Type')])
    }
    const served = await serveLikeNext(route)
    server = served.server
    const head = await fetch(`${served.url}/tapedeck/healthz`, { method: 'HEAD' })
    expect([head.status, await head.text()]).toEqual([200, ''])
  })
})

// What the bench process serves on loopback: the built bench pages, and the reference server
// (`@tapedeck/server`, built from its sources) for the sync figure.
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, defaultServerConditions } from 'vite'
import { SOURCE_CONDITION } from '../../scripts/conditions.mjs'
import { sourcesOnly } from './sourcesOnly.mjs'

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.css': 'text/css' }

/**
 * A static file server for `root` on 127.0.0.1. A page asked for with `?isolated` is served
 * cross-origin isolated (COOP and COEP): there `performance.now()` has 5 µs steps, not 100 µs.
 */
export async function serveStatic(root) {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    const isolation = url.searchParams.has('isolated') ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}
    const file = normalize(join(root, path === '/' ? 'index.html' : path))
    if (!file.startsWith(root)) {
      response.writeHead(403).end()
      return
    }
    try {
      const body = await readFile(file)
      response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store', ...isolation })
      response.end(body)
    } catch {
      response.writeHead(404).end()
    }
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}

/**
 * Builds `@tapedeck/server` from its TypeScript sources (not a possibly stale dist) and loads it:
 * its main entry and its `/postgres` one, as one module.
 */
export async function loadTapedeckServer(outDir) {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  await build({
    configFile: false,
    logLevel: 'warn',
    root,
    resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] },
    // The server imports other workspace packages at run time (@tapedeck/player): from their sources too.
    ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions], externalConditions: [SOURCE_CONDITION] } },
    plugins: [sourcesOnly()],
    build: {
      ssr: true,
      rollupOptions: { input: { index: 'packages/server/src/index.ts', postgres: 'packages/server/src/postgres.ts' } },
      outDir, emptyOutDir: true, target: 'node20', minify: false, sourcemap: false,
    },
  })
  const [main, postgres] = await Promise.all(['index.js', 'postgres.js'].map((file) => import(pathToFileURL(join(outDir, file)).href)))
  return { ...main, ...postgres }
}

/**
 * The reference server on loopback: `createHandler` + `createMemoryStore` + `serve`, CORS '*', no
 * log. `reset()` gives it a fresh, empty store (each measured run starts from nothing).
 */
export async function startReferenceServer(serverModule, limits) {
  const { createHandler, createMemoryStore, serve } = serverModule
  let store
  let handler
  const counted = { requests: 0, bytes: 0 }
  const reset = () => {
    store = createMemoryStore()
    handler = createHandler({ store, cors: { origins: '*' }, log: false, ...(limits && { limits }) })
    counted.requests = 0
    counted.bytes = 0
  }
  reset()
  const running = await serve({
    host: '127.0.0.1',
    port: 0,
    handler: (request) => {
      if (request.method === 'POST') {
        counted.requests++
        counted.bytes += Number(request.headers.get('content-length') ?? 0)
      }
      return handler(request)
    },
  })
  return {
    url: running.url,
    reset,
    counted,
    session: (id) => store.getSession(id),
    close: () => running.close(),
  }
}

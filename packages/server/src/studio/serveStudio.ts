import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, extname, join, resolve, sep } from 'node:path'
import type { Handler } from '../http/createHandler.js'
import { pathProblem } from '../http/pathCheck.js'
import { errorResponse } from '../http/responses.js'
import { ServerError } from '../ServerError.js'

export interface StudioOptions {
  /** The Studio's built files (`index.html`, `assets/`). Default: `@tapedeck/studio`'s dist, found with Node's resolution. */
  dir?: string
  /** Where the server's routes are mounted, as `createHandler`'s `basePath`. Default ''. */
  basePath?: string
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

/**
 * The page's policy: its own scripts only, no inline script, calls only to this server, audio
 * from blob: URLs (the player's), never framed. Recorded text is rendered as text by React.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ')

/** Where `@tapedeck/studio`'s built files are, or undefined when it is not installed. */
export function findStudioDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@tapedeck/studio/package.json')), 'dist')
  } catch {
    return undefined
  }
}

/**
 * Tapedeck Studio in front of a handler: `GET /` (below `basePath`) and the Studio's files
 * are answered from its build; every other request (`/v1/…`, `/healthz`) goes to the handler.
 * The Studio routes in the URL's fragment, so it needs no fallback page: an unknown file is a 404.
 */
export function withStudio(handler: Handler, options: StudioOptions = {}): Handler {
  const dir = options.dir ?? findStudioDir()
  const base = (options.basePath ?? '').replace(/\/+$/, '')
  return async (request) => {
    const url = new URL(request.url)
    // A path the handler refuses (a raw target the Node adapter marked, whose Request says `/`;
    // encoded dots, slashes, backslashes) is the handler's to answer: 400 invalid_path, never a file.
    if (pathProblem(request, url.pathname) !== null) return handler(request)
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !url.pathname.startsWith(`${base}/`)) return handler(request)
    const path = url.pathname.slice(base.length)
    const file = path === '/' ? '/index.html' : path
    if (file !== '/index.html' && !file.startsWith('/assets/')) return handler(request)
    if (!dir) return notBuilt()
    const root = resolve(dir)
    let decoded: string
    try {
      decoded = decodeURIComponent(file)
    } catch {
      return errorResponse(new ServerError('invalid_path', 'The path is not valid percent-encoding.'))
    }
    const target = resolve(root, `.${decoded}`)
    if (!target.startsWith(`${root}${sep}`)) return notFound()
    let body: Buffer
    try {
      body = await readFile(target)
    } catch {
      return file === '/index.html' ? notBuilt() : notFound()
    }
    const headers = new Headers({
      'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      // Hashed asset names change with their content; the page itself is checked every time.
      'Cache-Control': file === '/index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
    })
    if (file === '/index.html') {
      headers.set('Content-Security-Policy', CSP)
      headers.set('Referrer-Policy', 'no-referrer')
      headers.set('X-Frame-Options', 'DENY')
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers })
  }
}

/** As the handler answers an unknown path: `404 not_found`, whatever made the file not there (a NUL, a name too long). */
function notFound(): Response {
  return errorResponse(new ServerError('not_found', 'No such Studio file.'))
}

function notBuilt(): Response {
  return new Response('Tapedeck Studio is not built: run `npm run build -w @tapedeck/studio`, or start the server with --no-studio.\n', {
    status: 503,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  })
}

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import { sourceResolve } from '../scripts/conditions.mjs'

const workerFile = fileURLToPath(new URL('../packages/core/dist/tapedeck-worker.js', import.meta.url))
const widgetDist = fileURLToPath(new URL('../packages/widget/dist/', import.meta.url))
const widgetPages = fileURLToPath(new URL('./pages/widget/', import.meta.url))

/** Test pages need headers a static server would set: CSP, and the self-hosted worker file. */
function testHeaders(): Plugin {
  return {
    name: 'tapedeck:e2e-headers',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://localhost')
        if (url.pathname === '/tapedeck-worker.js') {
          res.setHeader('Content-Type', 'text/javascript')
          res.end(readFileSync(workerFile))
          return
        }
        // The script-tag pages and the files they load (tapedeck.js, .mjs and the siblings), as a static host serves them: no Vite
        // transform, no Vite client.
        if (/^\/tapedeck(-\w+)?\.m?js$/.test(url.pathname) || /^\/widget\/[\w-]+\.html$/.test(url.pathname)) {
          const html = url.pathname.endsWith('.html')
          res.setHeader('Content-Type', html ? 'text/html' : 'text/javascript')
          res.end(readFileSync(html ? widgetPages + url.pathname.slice('/widget/'.length) : widgetDist + url.pathname.slice(1)))
          return
        }
        // The same test page under a strict policy: workers only from this origin, so `blob:`
        // workers are refused.
        if (url.pathname === '/csp.html') {
          res.setHeader('Content-Security-Policy', "worker-src 'self'")
          req.url = '/index.html'
        }
        next()
      })
    },
  }
}

export default defineConfig({
  root: fileURLToPath(new URL('./pages', import.meta.url)),
  ...sourceResolve,
  plugins: [testHeaders()],
  // Found only when the first page imports the recorder: named up front, so Vite does not
  // re-optimise and reload pages in the middle of a test.
  optimizeDeps: { include: ['idb', 'comlink', 'fflate'] },
  server: { host: '127.0.0.1', port: 5179, strictPort: true },
  logLevel: 'warn',
})

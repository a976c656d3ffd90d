#!/usr/bin/env node
// `npm start`: the reference server (file store in ./.tapedeck-data) with Tapedeck Studio at its
// `/`, and the playground (a React support chat with a local mock LLM), which records into
// IndexedDB and syncs to that server — so the playground's sessions are in the Studio.
// The playground runs on the packages' TypeScript sources; the server and the Studio run from
// builds, made here when they are missing or older than their sources.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createServer } from 'vite'

const SERVER_DIST = 'packages/server/dist/index.js'
const STUDIO_DIST = 'packages/studio/dist/index.html'

/** Newest modification time of the files under a directory, ms. */
function newest(dir) {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return latest
}

// The server's types come from core's read-API types (packages/core/src/protocol): its build reads
// core's built declarations, so core is built first.
if (!existsSync(SERVER_DIST) || statSync(SERVER_DIST).mtimeMs < Math.max(newest('packages/server/src'), newest('packages/core/src/protocol'))) {
  console.log('Building @tapedeck/core and @tapedeck/server…')
  const built = spawnSync('npm', ['run', 'build', '--silent', '-w', '@tapedeck/core', '-w', '@tapedeck/server'], { stdio: 'inherit', shell: true })
  if (built.status !== 0) process.exit(built.status ?? 1)
}
// The Studio bundles the player's and the React viewer's sources too.
const studioSources = Math.max(...['packages/studio/src', 'packages/player/src', 'packages/react/src/viewer', 'packages/core/src'].map(newest))
if (!existsSync(STUDIO_DIST) || statSync(STUDIO_DIST).mtimeMs < studioSources) {
  console.log('Building Tapedeck Studio…')
  const built = spawnSync('npm', ['run', 'build', '--silent', '-w', '@tapedeck/studio'], { stdio: 'inherit', shell: true })
  if (built.status !== 0) process.exit(built.status ?? 1)
}
const { createFileStore, createHandler, serve, withStudio } = await import('../packages/server/dist/index.js')

// The server has no keys: only the playground's own origin may call it from a browser (another
// page open in the same browser must not read or erase these recordings). That origin is known
// once Vite listens, after the server's address went into Vite's env: until then, 503.
const store = createFileStore({ dir: '.tapedeck-data' })
let handler = async () => new Response('starting', { status: 503 })

async function startServer() {
  for (const port of [8787, 0]) {
    try {
      return await serve({ handler: (request) => handler(request), port })
    } catch (error) {
      if (port === 0 || error?.code !== 'EADDRINUSE') throw error
    }
  }
}

const server = await startServer()
process.env.VITE_TAPEDECK_ENDPOINT = server.url
// The mock LLM (`/llm/…`) and the mock speech-to-text (`/stt`) run inside this dev server.
const vite = await createServer({ configFile: 'playground/vite.config.ts' })
await vite.listen()
const url = vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/'
// The page may be opened as 127.0.0.1 or as localhost: the same server either way.
const origins = [...new Set((vite.resolvedUrls?.local ?? [url]).flatMap((local) => {
  const { origin } = new URL(local)
  return [origin, origin.replace('//127.0.0.1:', '//localhost:')]
}))]
// The Studio is served by the server itself (same origin as the API: no CORS needed for it).
handler = withStudio(createHandler({ store, cors: { origins }, log: false }))
console.log(`\nTapedeck server:     ${server.url}  (data in ./.tapedeck-data, no keys; browsers only from ${origins.join(', ')})`)
console.log(`Tapedeck Studio:     ${server.url}/  (find, replay, review and share the playground's sessions)`)
console.log(`Tapedeck playground: ${url}`)
console.log(`  chat ${url}#/   sessions and replay ${url}#/sessions\n`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await Promise.allSettled([vite.close(), server.close()])
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

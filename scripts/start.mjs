#!/usr/bin/env node
// `npm start`: the reference server (file store in ./.tapedeck-data) and the playground, which
// records into IndexedDB and syncs to that server.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'vite'

if (!existsSync('packages/server/dist/index.js')) {
  console.log('Building @tapedeck/server…')
  const built = spawnSync('npm', ['run', 'build', '--silent', '-w', '@tapedeck/server'], { stdio: 'inherit', shell: true })
  if (built.status !== 0) process.exit(built.status ?? 1)
}
const { createFileStore, createHandler, serve } = await import('../packages/server/dist/index.js')

async function startServer() {
  const store = createFileStore({ dir: '.tapedeck-data' })
  const handler = createHandler({ store, cors: { origins: '*' }, log: false })
  for (const port of [8787, 0]) {
    try {
      return await serve({ handler, port })
    } catch (error) {
      if (port === 0 || error?.code !== 'EADDRINUSE') throw error
    }
  }
}

const server = await startServer()
process.env.VITE_TAPEDECK_ENDPOINT = server.url
const vite = await createServer({ configFile: 'playground/vite.config.ts' })
await vite.listen()
console.log(`\nTapedeck server:     ${server.url}  (data in ./.tapedeck-data, open: no keys)`)
console.log(`Tapedeck playground: ${vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/'}\n`)

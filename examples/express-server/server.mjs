// An Express app that mounts the Tapedeck backend at /tapedeck, next to its own routes, and
// serves the two browser examples (the Vite React build, the script-tag page) from the same origin.
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import express from 'express'
import { createFileStore, createHandler } from '@tapedeck/server'
import { toNodeListener } from '@tapedeck/server/node'

const store = createFileStore({ dir: process.env.TAPEDECK_DATA ?? './.tapedeck-data' })
// Keys (ingestKeys, readKeys, adminKeys) are left out to keep the example short: without them the
// server is open to anyone who can reach it, so it listens on 127.0.0.1 only. See docs/server.md.
const tapedeck = createHandler({ store })

const app = express()
// Express strips the mount path: the handler sees /v1/batches, /v1/sessions/…
// Mount it before any body parser (express.json(), express.raw()): it reads the body itself.
app.use('/tapedeck', toNodeListener(tapedeck))
app.get('/tapedeck.js', (_req, res) => res.sendFile(createRequire(import.meta.url).resolve('@tapedeck/widget/tapedeck.js')))
app.use('/script-tag', express.static(resolve(process.env.SCRIPT_TAG_DIR ?? '../script-tag')))
app.use(express.static(resolve(process.env.REACT_DIST ?? '../vite-react/dist')))

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address()
  console.log(`listening on http://127.0.0.1:${port}`)
})
process.on('SIGTERM', () => server.close(() => store.close?.()))

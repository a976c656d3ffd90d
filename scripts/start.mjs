#!/usr/bin/env node
// `npm start`: the playground, served by Vite from the package sources.
import { createServer } from 'vite'

const server = await createServer({ configFile: 'playground/vite.config.ts' })
await server.listen()
console.log(`\nTapedeck playground: ${server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/'}\n`)

#!/usr/bin/env node
// How many upload requests a page recording a steady stream makes per second, for sizing the
// server's rate limits (docs/server.md, "Rate limits"). A page with the script tag (default
// options, sync 'auto') records an event every N ms for 10 s in Chromium; the server, on
// loopback, counts its POST /v1/batches. Usage: node bench/uploadRate.mjs (after `npm run build`).
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs'

const root = new URL('..', import.meta.url)
const { createHandler, createMemoryStore } = await import(new URL('packages/server/dist/index.js', root).href)
const { toNodeListener } = await import(new URL('packages/server/dist/node.js', root).href)
const script = readFileSync(new URL('packages/widget/dist/tapedeck.js', root))
const SECONDS = 10
const INTERVALS_MS = [20, 50, 100, 250]

const listener = toNodeListener(createHandler({ store: createMemoryStore(), log: false, basePath: '/tapedeck' }))
const posts = []
const server = createServer((req, res) => {
  if (req.url.startsWith('/tapedeck/')) {
    if (req.method === 'POST') posts.push(performance.now())
    return listener(req, res)
  }
  if (req.url === '/tapedeck.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
  res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/tapedeck.js" data-endpoint="/tapedeck" data-auto-start></script>')
}).listen(0, '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS })
console.log(`| an event every | POST /v1/batches in ${SECONDS} s | per second |\n| --- | --- | --- |`)
try {
  for (const interval of INTERVALS_MS) {
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${server.address().port}/`)
    await page.evaluate(async () => {
      const recorder = Tapedeck.init()
      await recorder.ready()
      for (let i = 0; i < 100 && !recorder.getSnapshot().session; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    })
    const start = performance.now()
    await page.evaluate(async ([seconds, interval]) => {
      const recorder = Tapedeck.init()
      const end = Date.now() + seconds * 1000
      for (let i = 0; Date.now() < end; i++) {
        recorder.record('x.token', { i })
        await new Promise((resolve) => setTimeout(resolve, interval))
      }
    }, [SECONDS, interval])
    const count = posts.filter((at) => at >= start && at <= start + SECONDS * 1000).length
    console.log(`| ${interval} ms | ${count} | ${(count / SECONDS).toFixed(1)} |`)
    await page.close()
  }
} finally {
  await browser.close()
  server.close()
}

#!/usr/bin/env node
// Last words (issue 20): what reaches a server before a closing tab is gone, in this Chromium.
//
//   flock /tmp/tapedeck-bench.lock node bench/lastWords.mjs            everything (~3 minutes)
//   flock /tmp/tapedeck-bench.lock node bench/lastWords.mjs --probes   only the browser probes (a)-(d)
//   flock /tmp/tapedeck-bench.lock node bench/lastWords.mjs --recorders  only the recorder figure
//
// One headless Chromium on a persistent, disk-backed profile; every server on 127.0.0.1:
// - the page's origin A serves the built page (bench/pages/lastWords.*) and counts requests;
// - origin B (another port) counts requests too, so each probe runs cross-origin, as a recorder's
//   endpoint usually is, with CORS answered;
// - the reference server (@tapedeck/server, memory store) receives Tapedeck's batches;
// - origin B's /api/1/envelope/ receives Sentry's envelopes and counts their log items.
// Probes:
//   (a) fetch(..., {keepalive}) started in a dedicated worker, and in the page, when the page
//       closes: 12 requests of 2 KB, the server holding each answer 1 s (6 connections per host:
//       half are still queued when the tab closes 100 ms after they start).
//   (b) keepalive fetch started at pagehide, and at visibilitychange: hidden, with bodies summing
//       to under and over 64 KiB, with simple headers and with a recorder's headers (preflight).
//   (c) what sendBeacon takes and sends (return value, Content-Type on arrival, size limit).
//   (d) how many ~300-byte chat events fit in 64 KiB of fflate gzipSync, and its time on the page.
// Recorders: events on the server before the tab is gone (counted 3 s after page.close()
// returns, nothing reopened) for 200 events over 10 s closed 0.1 s after the last, and for a
// burst of 2,000 closed right after; Tapedeck as it is and Sentry's logs, 3 rounds each.
// Writes bench/results/lastWords.json.
import { createServer } from 'node:http'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { launchBrowser } from './lib/browser.mjs'
import { loadTapedeckServer, startReferenceServer } from './lib/servers.mjs'

const args = new Set(process.argv.slice(2))
const runProbes = !args.has('--recorders')
const runRecorders = !args.has('--probes')
const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const ROUNDS = 3
const SETTLE_MS = 3000
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Every load loop here is bounded; the whole run is too.
const watchdog = setTimeout(() => {
  console.error('lastWords: gave up after 10 minutes')
  process.exit(2)
}, 10 * 60_000)

const pagesDir = here('./dist/lastWords')
await build({
  configFile: here('./vite.config.ts'),
  build: { outDir: pagesDir, emptyOutDir: true, rollupOptions: { input: here('./pages/lastWords.html') } },
})

/** A request as the counting servers saw it. */
const arrivals = []
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }
const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'POST, PUT', 'Access-Control-Max-Age': '0' }

async function startCounter() {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    // `?cors=credentials`: answered for a request with credentials (the page's origin, not `*`).
    const cors = url.searchParams.get('cors') === 'credentials' ? { ...CORS, 'Access-Control-Allow-Origin': request.headers.origin ?? '*', 'Access-Control-Allow-Credentials': 'true', 'Access-Control-Allow-Headers': 'content-type' } : CORS
    if (request.method === 'OPTIONS') {
      arrivals.push({ at: Date.now(), path: url.pathname, preflight: true })
      response.writeHead(204, cors).end()
      return
    }
    if (request.method === 'GET') {
      const file = normalize(join(pagesDir, url.pathname === '/' ? 'lastWords.html' : url.pathname))
      try {
        const body = readFileSync(file)
        response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' }).end(body)
      } catch {
        response.writeHead(404).end()
      }
      return
    }
    const chunks = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      arrivals.push({
        at: Date.now(),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        bytes: body.length,
        contentType: request.headers['content-type'] ?? null,
        sentryLogs: url.pathname.startsWith('/api/') ? sentryLogs(body.toString('utf8')) : undefined,
      })
      setTimeout(() => response.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end('{}'), Number(url.searchParams.get('hold') ?? 0))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))) }
}

/** The log items of a Sentry envelope: { round, i } of each. */
function sentryLogs(envelope) {
  const lines = envelope.split('\n')
  const logs = []
  for (let index = 1; index < lines.length - 1; index++) {
    let header
    try {
      header = JSON.parse(lines[index])
    } catch {
      continue
    }
    if (header?.type !== 'log') continue
    const payload = JSON.parse(lines[++index])
    for (const item of payload.items ?? []) logs.push({ round: item.attributes?.round?.value, i: item.attributes?.i?.value })
  }
  return logs
}

const a = await startCounter()
const b = await startCounter()
const serverModule = await loadTapedeckServer(here('./dist/lastWords-server'))
const reference = await startReferenceServer(serverModule)
const browser = await launchBrowser()
// A run of one half keeps the other half's figures from the last full run (marked with its date).
const resultsFile = here('./results/lastWords.json')
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {}
const results = { chromium: browser.version.product, date: new Date().toISOString(), probes: {}, recorders: {} }
if (!runProbes && previous.probes) Object.assign(results, { probes: previous.probes, probesDate: previous.probesDate ?? previous.date })
if (!runRecorders && previous.recorders) Object.assign(results, { recorders: previous.recorders, recordersDate: previous.recordersDate ?? previous.date })

async function openPage() {
  const page = await browser.context.newPage()
  await page.goto(`${a.url}/lastWords.html`)
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 })
  return page
}

/** Arrivals at `path` since `since`, counted SETTLE_MS after the page closed. */
async function closeAndCount(page, path, since, { afterMs = 0 } = {}) {
  if (afterMs) await sleep(afterMs)
  const closedAt = Date.now()
  await page.close()
  const closed = Date.now()
  await sleep(SETTLE_MS)
  const posts = arrivals.filter((r) => r.at >= since && r.path === path && !r.preflight)
  return { posts, closeMs: closed - closedAt, beforeClose: posts.filter((r) => r.at <= closed).length }
}

let label = 0
const fresh = (name) => `/count/${name}-${++label}`

if (runProbes) {
  // (a) Requests in flight when the page closes: from the page or a dedicated worker.
  const inFlight = {}
  for (const from of ['page', 'worker']) {
    for (const keepalive of [false, true]) {
      for (const cross of [false, true]) {
        const name = `${from}, keepalive ${keepalive}, ${cross ? 'cross-origin' : 'same-origin'}`
        const path = fresh('a')
        const page = await openPage()
        const since = Date.now()
        const send = { url: `${(cross ? b : a).url}${path}?hold=1000`, sizes: Array(12).fill(2000), keepalive }
        const refused = await page.evaluate(([from, send]) => (from === 'worker' ? window.lastWords.sendFromWorker(send) : window.lastWords.startRequests(send)), [from, send])
        const { posts } = await closeAndCount(page, path, since, { afterMs: 100 })
        inFlight[name] = { started: 12, refusedAtOnce: refused.length, arrived: new Set(posts.map((r) => r.query.i)).size }
        console.log(`(a) ${name}: ${inFlight[name].arrived}/12 arrived after the close`)
      }
    }
  }
  results.probes.inFlightAtClose = inFlight

  // (b) Sent at pagehide or visibilitychange: hidden, under and over 64 KiB in total.
  const onHide = {}
  const recorderHeaders = { 'Content-Type': 'application/x-ndjson', 'Idempotency-Key': 'k_1', 'Tapedeck-Session': 's_1', 'Tapedeck-Seq': '0-99' }
  for (const event of ['pagehide', 'visibilitychange']) {
    for (const [sizesName, sizes] of [['4 × 15,000 B (60,000 B)', Array(4).fill(15_000)], ['5 × 15,000 B (75,000 B)', Array(5).fill(15_000)], ['1 × 70,000 B', [70_000]]]) {
      for (const headers of ['simple', 'recorder']) {
        const name = `${event}, ${sizesName}, cross-origin, ${headers} headers`
        const path = fresh('b')
        const page = await openPage()
        await page.evaluate(([event, send]) => window.lastWords.sendOnHide(event, send), [
          event,
          { url: `${b.url}${path}`, sizes, keepalive: true, ...(headers === 'recorder' && { headers: recorderHeaders }) },
        ])
        const since = Date.now()
        const { posts } = await closeAndCount(page, path, since)
        const preflights = arrivals.filter((r) => r.at >= since && r.path === path && r.preflight).length
        onHide[name] = { sent: sizes.length, arrived: posts.length, bytesArrived: posts.reduce((sum, r) => sum + r.bytes, 0), preflights }
        console.log(`(b) ${name}: ${posts.length}/${sizes.length} arrived, ${onHide[name].bytesArrived} B, ${preflights} preflights`)
      }
    }
  }
  results.probes.sentOnHide = onHide

  // (c) sendBeacon, cross-origin, in a live page: the kinds of body in one page, each size alone
  // in its own page (beacons in flight share the page's 64 KiB).
  results.probes.sendBeacon = {}
  const beaconPages = [
    [['string 1 KB', 'Blob application/x-ndjson 1 KB', 'Blob text/plain 1 KB', 'ArrayBuffer 1 KB', 'URLSearchParams 1 KB'], ''],
    [['Blob application/x-ndjson 1 KB'], '?cors=credentials'],
    [['string 65,536 B'], ''],
    [['string 65,537 B'], ''],
    [['two strings of 40,000 B'], ''],
  ]
  for (const [kinds, query] of beaconPages) {
    const path = fresh('c')
    const page = await openPage()
    const since = Date.now()
    const returned = await page.evaluate(([url, kinds]) => window.lastWords.beacons(url, kinds), [`${b.url}${path}${query}`, kinds])
    await sleep(1500)
    const got = arrivals.filter((r) => r.at >= since && r.path === path)
    for (const [name, value] of Object.entries(returned)) {
      const arrived = got.filter((r) => r.query?.beacon === name && !r.preflight)
      const r = { returned: value, arrived: arrived.length, contentType: arrived[0]?.contentType ?? null, bytes: arrived.map((x) => x.bytes), preflights: got.filter((x) => x.preflight).length }
      results.probes.sendBeacon[`${name}${query && ', server allows credentials'}`] = r
      console.log(`(c) sendBeacon ${name}${query}: returned ${r.returned}, arrived ${r.arrived} (${r.bytes.join(', ')} B), Content-Type ${r.contentType}, preflights ${r.preflights}`)
    }
    await page.close()
  }

  // (d) Chat events per 64 KiB of gzip, and the synchronous cost on the page.
  {
    const page = await openPage()
    results.probes.compression = {}
    for (const level of [6, 1]) {
      const fit = await page.evaluate((level) => window.lastWords.compressionFit(65_536, level), level)
      const sorted = [...fit.ms].sort((x, y) => x - y)
      results.probes.compression[`level ${level}`] = { ...fit, medianMs: sorted[Math.floor(sorted.length / 2)], maxMs: sorted.at(-1) }
      console.log(`(d) gzipSync level ${level}: ${fit.events} events of ~${fit.meanLineBytes} B fit in ${fit.gzipBytes} B; median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`)
    }
    await page.close()
  }
}

if (runRecorders) {
  // The same events, the same close, Tapedeck (as it is) and Sentry's logs, one tab each.
  const scenarios = {
    '200 events over 10 s, closed 0.1 s after the last': { count: 200, run: (page) => page.evaluate(() => window.lastWords.stream(200, 50)), afterMs: 100 },
    '2,000-event burst, closed right after': { count: 2000, run: (page) => page.evaluate(() => window.lastWords.burst(2000)), afterMs: 0 },
  }
  for (const [scenario, { count, run, afterMs }] of Object.entries(scenarios)) {
    results.recorders[scenario] = { tapedeck: [], sentry: [] }
    for (let round = 0; round < ROUNDS; round++) {
      // Tapedeck: counted on the reference server by the events' own `i`.
      {
        const page = await openPage()
        const id = await page.evaluate((endpoint) => window.lastWords.startTapedeck(endpoint), reference.url)
        await run(page)
        await sleep(afterMs)
        await page.close()
        await sleep(SETTLE_MS)
        const text = await (await fetch(`${reference.url}/v1/sessions/${id}/events`)).text()
        const held = new Set(
          text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line))
            .filter((e) => e.type === 'message.created')
            .map((e) => e.data.i),
        )
        results.recorders[scenario].tapedeck.push(held.size)
      }
      // Sentry's logs: counted by the items' `round` and `i` attributes.
      {
        const name = `r${label++}`
        const page = await openPage()
        await page.evaluate(([dsn, name]) => window.lastWords.startSentry(dsn, name), [`http://public@${b.url.slice('http://'.length)}/1`, name])
        await run(page)
        await sleep(afterMs)
        await page.close()
        await sleep(SETTLE_MS)
        const held = new Set(arrivals.flatMap((r) => r.sentryLogs ?? []).filter((log) => log.round === name).map((log) => log.i))
        results.recorders[scenario].sentry.push(held.size)
      }
      const last = results.recorders[scenario]
      console.log(`${scenario}, round ${round + 1}: Tapedeck ${last.tapedeck.at(-1)}/${count}, Sentry logs ${last.sentry.at(-1)}/${count}`)
    }
    const fraction = (counts) => counts.reduce((sum, n) => sum + n, 0) / (counts.length * count)
    Object.assign(results.recorders[scenario], { count, tapedeckFraction: fraction(results.recorders[scenario].tapedeck), sentryFraction: fraction(results.recorders[scenario].sentry) })
  }
}

await browser.close()
await reference.close()
await a.close()
await b.close()
clearTimeout(watchdog)
mkdirSync(here('./results'), { recursive: true })
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`)
console.log(JSON.stringify(results.recorders, null, 2))

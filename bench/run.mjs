#!/usr/bin/env node
// `npm run bench`: every figure in one headless Chromium run (a fresh disk-backed profile), each
// against its anchor or peer measured in the same runs, as a ratio. Prints a table and writes
// bench/results/latest.json. A figure that misses its bar is printed as MISS.
//
//   node bench/run.mjs            the full run (~5–10 minutes)
//   node bench/run.mjs --quick    small sizes, a few seconds a figure: checks that every figure is
//                                 still measured and finite (npm test runs it); nothing about speed
//   node bench/run.mjs --strict   exit 1 when a bar is missed, too
//   node bench/run.mjs --profile  no figures: CPU profiles (page and worker) of a record() burst
//                                 and a durable run, built unminified, summarised per function, and
//                                 of record() and its JSON.stringify anchor in both builds (the
//                                 script-tag file as built: minified); --only=main|durable|stringify
//                                 picks one
//   node bench/run.mjs --only=main,player   only the figures whose names contain these words
//                                 (as the run logs them); writes results/only.tmp
//   node bench/run.mjs --runs=2   that many measured runs per figure (default 5; quick 1)
//
// This file is the run; each figure is a module of bench/figures/, its sizes and bars are in
// bench/lib/settings.mjs, and bench/lib/pageCalls.mjs calls the bench page's functions.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { launchBrowser, openBenchPage } from './lib/browser.mjs'
import { copyScriptTagFiles } from './lib/bundleSize.mjs'
import { call } from './lib/pageCalls.mjs'
import { profiles } from './lib/profileRun.mjs'
import { log, machine, rowsOf, table } from './lib/report.mjs'
import { loadTapedeckServer, serveStatic, startReferenceServer } from './lib/servers.mjs'
import { MB, only, profiling, quick, SIZES, strict, wanted } from './lib/settings.mjs'
import { captureFigures } from './figures/capture.mjs'
import { compressionFigures } from './figures/compression.mjs'
import { compactionStreamingFigure, durableFigures } from './figures/durable.mjs'
import { evalFigures } from './figures/evaluate.mjs'
import { mainThreadFigures, recordVsStringifyFigures } from './figures/mainThread.mjs'
import { memoryFigures } from './figures/memory.mjs'
import { playerFigures } from './figures/player.mjs'
import { bundleFigures, scriptTagFigure } from './figures/sizes.mjs'
import { syncFigures } from './figures/sync.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const here = (path) => fileURLToPath(new URL(path, import.meta.url))

// — the run —

async function figure(name, produce) {
  if (!wanted(name)) return []
  const started = Date.now()
  log(`${name}…`)
  try {
    const figures = await produce()
    log(`  ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return figures
  } catch (error) {
    log(`  ${name} FAILED: ${error?.stack ?? error}`)
    return [{ id: name, title: name, status: 'error', error: String(error?.message ?? error).split('\n')[0] }]
  }
}

async function main() {
  const startedAt = new Date()
  const began = Date.now()
  log(`Tapedeck bench${quick ? ' (quick: small sizes, no bars judged)' : ''}`)
  log('building the bench pages and the reference server from the sources…')
  // Profiles need function names: their pages are built unminified.
  await build({ configFile: here('./vite.config.ts'), logLevel: 'warn', ...(profiling && { build: { minify: false } }) })
  // The script-tag file and its siblings, served beside the page as a site would (read, not built here).
  copyScriptTagFiles(here('./dist/pages/'))
  const serverModule = await loadTapedeckServer(here('./dist/server'))

  const staticServer = await serveStatic(here('./dist/pages/'))
  const syncServer = await startReferenceServer(serverModule)
  // The anchor takes everything in one request: limits raised so that one request fits (events too: 100,001 in the full run).
  const anchorServer = await startReferenceServer(serverModule, { maxBodyBytes: 512 * MB, maxDecompressedBytes: 2048 * MB, maxBatchEvents: 10_000_000 })
  const browser = await launchBrowser()
  log(`browser: ${browser.version.product} (${browser.executablePath})`)
  const env = { context: browser.context, userDataDir: browser.userDataDir, pageUrl: `${staticServer.url}/`, syncServer, anchorServer }
  if (profiling) {
    try {
      await profiles(env)
    } finally {
      await browser.close()
      await Promise.all([staticServer.close(), syncServer.close(), anchorServer.close()])
    }
    return
  }
  const figures = []
  let events
  let pageInfo
  try {
    const eventsTab = await openBenchPage(env.context, env.pageUrl)
    events = await call(eventsTab, 'eventStats', { count: 20_000, seed: 23 })
    pageInfo = await call(eventsTab, 'info')
    await eventsTab.close()
    figures.push(...(await figure('bundle sizes', bundleFigures)))
    figures.push(...(await figure('script-tag bundle', async () => [await scriptTagFigure()])))
    figures.push(...(await figure('main thread', () => mainThreadFigures(env))))
    figures.push(...(await figure('record against stringify', () => recordVsStringifyFigures(env))))
    // The durable figure's tab stays open for the compression figure, which uses its NDJSON.
    const durableTab = await openBenchPage(env.context, env.pageUrl)
    try {
      const durable = await figure('durable throughput', () => durableFigures(durableTab))
      figures.push(...durable)
      const chunkRawBytes = durable.find((f) => f.id === 'durable-throughput')?.detail?.chunkRawBytes
      figures.push(...(await figure('compression', () => compressionFigures(durableTab, chunkRawBytes))))
    } finally {
      await durableTab.close()
    }
    figures.push(...(await figure('compaction while recording', () => compactionStreamingFigure(env))))
    figures.push(...(await figure('sync', () => syncFigures(env))))
    figures.push(...(await figure('memory', () => memoryFigures(env))))
    figures.push(...(await figure('player', () => playerFigures(env))))
    figures.push(...(await figure('evaluate', () => evalFigures(env))))
    figures.push(...(await figure('capture intercepts', () => captureFigures(env))))
  } finally {
    await browser.close()
    await Promise.all([staticServer.close(), syncServer.close(), anchorServer.close()])
  }

  // Order of the table: as the issue lists the figures.
  const order = ['record-main-thread', 'record-main-thread-cpu', 'record-long-tasks', 'record-vs-stringify-npm', 'record-vs-stringify-script', 'durable-throughput', 'durable-vs-dexie', 'wire-bytes', 'wire-bytes-payloads', 'compression-', 'compaction', 'compaction-chunks', 'compaction-settle', 'compaction-streaming', 'sync', 'memory-page', 'memory-page-peak', 'memory-worker', 'memory-worker-peak', 'player-load', 'player-seek', 'eval-checks', 'capture-console', 'capture-console-stub', 'capture-network', 'script-tag-bundle', 'core-page-entry', 'core-recorder-only', 'core-worker']
  const rank = (f) => {
    const i = order.findIndex((id) => (id.endsWith('-') ? f.id.startsWith(id) : f.id === id))
    return i < 0 ? order.length : i
  }
  figures.sort((a, b) => rank(a) - rank(b))
  // A quick run measures small sizes: its bars are not judged, but for its own checks (`bar.quick`).
  for (const f of figures) if (f.status === undefined) f.status = f.bar?.ok === false && (!quick || f.bar.quick) ? 'miss' : 'measured'

  const result = {
    date: startedAt.toISOString(),
    quick,
    durationS: Math.round((Date.now() - began) / 100) / 10,
    browser: { ...browser.version, executablePath: browser.executablePath, hardwareConcurrency: pageInfo.hardwareConcurrency },
    machine: machine(),
    sizes: SIZES,
    events: { type: 'message.created', ...events },
    figures: figures.map((f) => ({ ...f, browserVersion: browser.version.version })),
  }
  mkdirSync(here('./results'), { recursive: true })
  // Only a full run of every figure is the latest result.
  const out = here(quick ? './results/quick.tmp' : only || SIZES.runs !== 5 ? './results/only.tmp' : './results/latest.json')
  writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`)
  renameSync(`${out}.tmp`, out)

  const m = result.machine
  log('')
  log(
    `${result.browser.product}, ${m.cpuModel} × ${m.cores} cores, ${Math.round(m.memoryBytes / 2 ** 30)} GiB, Node ${m.node}, ${result.date}` +
      ` — chat events: ${Math.round(events.meanDataBytes)} B of JSON on average (message.created; text alone gzips to ${events.contentGzipRatio.toFixed(2)} at level 6)` +
      `; ${SIZES.warmups} warm-up + ${SIZES.runs} measured run${SIZES.runs > 1 ? 's' : ''}, ${result.durationS} s`,
  )
  log('')
  log(table(rowsOf(figures, { quick })))
  log('')
  log(`written to ${out.slice(root.length)}`)

  const broken = figures.filter((f) => f.status === 'error' || (f.value && ![f.value.median, f.value.min, f.value.max].every(Number.isFinite)))
  const missed = figures.filter((f) => f.status === 'miss')
  if (broken.length > 0) {
    log(`\n${broken.length} figure(s) not measured: ${broken.map((f) => f.id).join(', ')}`)
    process.exit(1)
  }
  if (quick && missed.length > 0) {
    log(`\nquick run: check(s) missed: ${missed.map((f) => `${f.id} (${f.bar.text})`).join(', ')}`)
    process.exit(1)
  }
  if (quick) log('\nquick run: every figure measured and finite, and its checks met (speed is not judged here)')
  else if (missed.length > 0) log(`\n${missed.length} bar(s) missed: ${missed.map((f) => f.id).join(', ')}`)
  process.exit(strict && missed.length > 0 ? 1 : 0)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})

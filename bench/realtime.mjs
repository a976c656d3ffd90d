#!/usr/bin/env node
// Realtime voice recording overhead (issue 18), each figure against its anchor in the same run:
//
//   flock /tmp/tapedeck-bench.lock node bench/realtime.mjs           1 warm-up + 5 measured runs (~2 minutes)
//   flock /tmp/tapedeck-bench.lock node bench/realtime.mjs --quick   1 warm-up + 1 run, small sizes
//
// 1. Main-thread cost per Realtime event: 10,000 server events (a WebRTC voice app's stream:
//    speech events, transcripts, 40 transcript deltas per answer, usage) dispatched to the app's
//    `message` listener, 100 per task; with recordRealtime on the transport and a real recorder
//    (the events it records go to the worker and IndexedDB), against the same stream with only
//    the app's own JSON.parse. Compared as the page main thread's time on a CPU over the burst
//    (Linux /proc schedstat; on a loaded machine wall time mostly measures the wait for a CPU),
//    wall time elsewhere (also reported: each slice timed until the next task starts).
// 2. A WebSocket session's audio: AUDIO_S seconds of it (the app's appends every 100 ms, the
//    server's deltas every 200 ms, base64 PCM16 at 24 kHz) through the socket's `send` and
//    `message` in bursts of 100, then stop() (the answers' audio, sent ahead of playback, is stored
//    then); recorded (decoded, cut into WAV parts, attached to the worker and IndexedDB) against
//    the app alone (JSON.parse, and atob of each delta it plays). The page main thread's CPU time
//    from the first message until everything is durable, per second of two-way audio.
// 3. CPU while a two-way voice session is recorded: the scripted conversation with the mock
//    realtime peer (real WebRTC on loopback, both voices, tool call, barge-in), recorded
//    (recordRealtime: events and both audio tracks through MediaRecorder, into IndexedDB) and not;
//    the renderer process's CPU time (Linux /proc schedstat: main thread, the recorder's worker,
//    WebRTC and audio threads). IndexedDB's own writes happen in the browser process and are not
//    counted.
// The two variants alternate in each run; the ratio is taken per run, then its median.
// Writes bench/results/realtime.json (--quick: bench/results/realtime.tmp).
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { launchBrowser } from './lib/browser.mjs'
import { serveStatic } from './lib/servers.mjs'
import { rendererThreads, threadDelta } from './lib/threadTime.mjs'

const quick = process.argv.includes('--quick')
const RUNS = quick ? 1 : 5
const EVENTS = quick ? 2000 : 10_000
const AUDIO_S = quick ? 20 : 120
const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const watchdog = setTimeout(() => {
  console.error('realtime bench: gave up after 10 minutes')
  process.exit(2)
}, 10 * 60_000)

const outDir = here('./dist/realtime')
await build({ configFile: here('./vite.config.ts'), build: { outDir, emptyOutDir: true, rollupOptions: { input: here('./pages/realtime.html') } } })
const site = await serveStatic(outDir)
const browser = await launchBrowser()
const loadAverage = os.loadavg()[0]
const started = Date.now()

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const span = (values) => [Math.min(...values), Math.max(...values)]
const withTimeout = (promise, ms, what) => Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))])

const results = { date: new Date().toISOString(), browser: browser.version.product, machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadAverage }, runs: RUNS, figures: [] }
try {
  const page = await browser.context.newPage()
  await page.goto(`${site.url}/realtime.html`)
  // A click: Web Audio (the mock voices) starts only after the user interacted with the page.
  await page.click('#start')
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })

  // 1. Per event: wall time of the slices, and the page main thread's time on a CPU over the burst.
  const perEvent = []
  for (let run = 0; run <= RUNS; run++) {
    const order = run % 2 ? [true, false] : [false, true]
    const measured = {}
    for (const recorded of order) {
      await withTimeout(page.evaluate(([count, recorded]) => window.realtimeBench.prepare(count, recorded), [EVENTS, recorded]), 60_000, 'prepare')
      const before = rendererThreads(browser.userDataDir)
      const wall = await withTimeout(page.evaluate(() => window.realtimeBench.burst(100)), 120_000, 'burst')
      const cpu = threadDelta(before, rendererThreads(browser.userDataDir))
      const { recordedEvents } = await withTimeout(page.evaluate(() => window.realtimeBench.finish()), 60_000, 'finish')
      measured[recorded ? 'recorded' : 'plain'] = { wallUs: wall.msPerEvent * 1000, cpuUs: cpu ? (cpu.mainRunMs * 1000) / EVENTS : undefined, recordedEvents }
    }
    if (run > 0) perEvent.push(measured)
  }
  const onCpu = perEvent.every((run) => run.recorded.cpuUs !== undefined && run.plain.cpuUs !== undefined)
  const key = onCpu ? 'cpuUs' : 'wallUs'
  const recordedUs = perEvent.map((run) => run.recorded[key])
  const plainUs = perEvent.map((run) => run.plain[key])
  const eventRatios = perEvent.map((run) => run.recorded[key] / run.plain[key])
  const addedUs = perEvent.map((run) => run.recorded[key] - run.plain[key])
  results.figures.push({
    name: `main-thread ${onCpu ? 'CPU time (schedstat)' : 'wall time'} per Realtime event, ${EVENTS.toLocaleString('en-US')} server events, recorded`,
    unit: 'µs/event',
    median: median(recordedUs),
    range: span(recordedUs),
    anchor: { name: "the app's own listener alone (JSON.parse of each event)", median: median(plainUs) },
    ratio: { median: median(eventRatios), range: span(eventRatios) },
    detail: {
      addedUsPerEvent: { median: median(addedUs), range: span(addedUs) },
      wallUsPerEvent: { recorded: median(perEvent.map((run) => run.recorded.wallUs)), plain: median(perEvent.map((run) => run.plain.wallUs)) },
      recordedEvents: perEvent[0].recorded.recordedEvents,
    },
  })

  // 2. A WebSocket session's audio, per second of it.
  const perAudio = []
  for (let run = 0; run <= RUNS; run++) {
    const order = run % 2 ? [true, false] : [false, true]
    const measured = {}
    for (const recorded of order) {
      await withTimeout(page.evaluate(([recorded, seconds]) => window.realtimeBench.prepare(0, recorded, seconds), [recorded, AUDIO_S]), 60_000, 'prepare audio')
      const before = rendererThreads(browser.userDataDir)
      await withTimeout(page.evaluate(() => window.realtimeBench.burst(100)), 120_000, 'burst audio')
      await withTimeout(page.evaluate(() => window.realtimeBench.settle()), 120_000, 'settle audio')
      const cpu = threadDelta(before, rendererThreads(browser.userDataDir))
      const { audioMs } = await withTimeout(page.evaluate(() => window.realtimeBench.finish()), 60_000, 'finish audio')
      if (recorded && Math.abs(audioMs - 2 * AUDIO_S * 1000) > 1) throw new Error(`audio bench: ${audioMs} ms of audio stored, not ${2 * AUDIO_S * 1000}`)
      measured[recorded ? 'recorded' : 'plain'] = { mainMs: cpu?.mainRunMs, workerMs: cpu?.workerRunMs }
    }
    if (run > 0) perAudio.push(measured)
  }
  if (perAudio.every((run) => run.recorded.mainMs !== undefined && run.plain.mainMs !== undefined)) {
    const perSecond = (run, which) => run[which].mainMs / AUDIO_S
    results.figures.push({
      name: `main-thread CPU time (schedstat) per second of WebSocket voice audio (${AUDIO_S} s, both ways), recorded`,
      unit: 'ms CPU/s of audio',
      median: median(perAudio.map((run) => perSecond(run, 'recorded'))),
      range: span(perAudio.map((run) => perSecond(run, 'recorded'))),
      anchor: { name: "the app alone (JSON.parse, atob of each delta it plays)", median: median(perAudio.map((run) => perSecond(run, 'plain'))) },
      ratio: { median: median(perAudio.map((run) => run.recorded.mainMs / run.plain.mainMs)), range: span(perAudio.map((run) => run.recorded.mainMs / run.plain.mainMs)) },
      detail: {
        addedMsPerSecond: median(perAudio.map((run) => perSecond(run, 'recorded') - perSecond(run, 'plain'))),
        workerMsPerSecond: median(perAudio.map((run) => run.recorded.workerMs / AUDIO_S)),
      },
    })
  } else {
    results.figures.push({ name: 'main-thread CPU per second of WebSocket voice audio', skipped: 'no /proc schedstat here (Linux only)' })
  }

  // 3. A two-way session.
  const sessions = []
  for (let run = 0; run <= RUNS; run++) {
    const order = run % 2 ? [true, false] : [false, true]
    const measured = {}
    for (const recorded of order) {
      const before = rendererThreads(browser.userDataDir)
      const session = await withTimeout(page.evaluate((recorded) => window.realtimeBench.session(recorded), recorded), 60_000, 'session')
      const delta = threadDelta(before, rendererThreads(browser.userDataDir))
      measured[recorded ? 'recorded' : 'plain'] = { ...session, cpu: delta }
    }
    if (run > 0) sessions.push(measured)
  }
  const cpu = (run, which) => run[which].cpu?.processRunMs
  if (sessions.every((run) => cpu(run, 'recorded') !== undefined && cpu(run, 'plain') !== undefined)) {
    const recordedMs = sessions.map((run) => cpu(run, 'recorded'))
    const plainMs = sessions.map((run) => cpu(run, 'plain'))
    const ratios = sessions.map((run) => cpu(run, 'recorded') / cpu(run, 'plain'))
    const perSecond = sessions.map((run) => ((cpu(run, 'recorded') - cpu(run, 'plain')) / run.recorded.ms) * 1000)
    results.figures.push({
      name: 'renderer CPU during a two-way voice session (scripted conversation, both voices), recorded',
      unit: 'ms CPU',
      median: median(recordedMs),
      range: span(recordedMs),
      anchor: { name: 'the same session, not recorded', median: median(plainMs) },
      ratio: { median: median(ratios), range: span(ratios) },
      detail: {
        addedCpuMsPerSecond: { median: median(perSecond), range: span(perSecond) },
        sessionMs: median(sessions.map((run) => run.recorded.ms)),
        recordedEvents: sessions[0].recorded.events,
        mainThreadMs: { recorded: median(sessions.map((run) => run.recorded.cpu.mainRunMs)), plain: median(sessions.map((run) => run.plain.cpu.mainRunMs)) },
        workerMs: median(sessions.map((run) => run.recorded.cpu.workerRunMs)),
      },
    })
  } else {
    results.figures.push({ name: 'renderer CPU during a two-way voice session', skipped: 'no /proc schedstat here (Linux only)' })
  }
} finally {
  await browser.close()
  await site.close()
  clearTimeout(watchdog)
}

results.seconds = Math.round((Date.now() - started) / 1000)
results.machine.loadAverageEnd = os.loadavg()[0]
const fmt = (value, digits = 3) => (typeof value === 'number' ? Number(value.toPrecision(digits)).toLocaleString('en-US') : String(value))
for (const figure of results.figures) {
  if (figure.skipped) {
    console.log(`${figure.name}: ${figure.skipped}`)
    continue
  }
  console.log(
    `${figure.name}: ${fmt(figure.median)} ${figure.unit} (${fmt(figure.range[0])} – ${fmt(figure.range[1])}); ` +
      `${figure.anchor.name}: ${fmt(figure.anchor.median)}; ratio ${fmt(figure.ratio.median)}× (${fmt(figure.ratio.range[0])} – ${fmt(figure.ratio.range[1])}); ${JSON.stringify(figure.detail)}`,
  )
}
console.log(`load average ${loadAverage.toFixed(1)} at the start, ${results.machine.loadAverageEnd.toFixed(1)} at the end; ${results.seconds} s`)
mkdirSync(here('./results'), { recursive: true })
writeFileSync(here(`./results/realtime.${quick ? 'tmp' : 'json'}`), JSON.stringify(results, null, 2) + '\n')

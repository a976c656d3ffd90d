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
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { launchBrowser, openBenchPage } from './lib/browser.mjs'
import { copyScriptTagFiles, coreBundleSize, scriptTagSize } from './lib/bundleSize.mjs'
import { printProfile, saveProfile, summariseProfile } from './lib/profile.mjs'
import { format, machine, rowsOf, summary, table } from './lib/report.mjs'
import { loadTapedeckServer, serveStatic, startReferenceServer } from './lib/servers.mjs'
import { rendererThreads, threadDelta } from './lib/threadTime.mjs'

const args = new Set(process.argv.slice(2))
const quick = args.has('--quick')
const strict = args.has('--strict')
const profiling = args.has('--profile')
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',')
const wanted = (name) => !only || only.some((part) => name.includes(part))
const root = fileURLToPath(new URL('..', import.meta.url))
const here = (path) => fileURLToPath(new URL(path, import.meta.url))

const SIZES = quick
  ? { warmups: 0, runs: 1, mainThread: 5_000, durable: 20_000, dexie: 5_000, sample: 256 * 1024, sync: 5_000, memory: 10_000, memoryWarmup: 2_000, player: 20_000, seeks: 200, evalSessions: 100, evalEvents: 50 }
  : { warmups: 1, runs: 5, mainThread: 100_000, durable: 100_000, dexie: 100_000, sample: 4 * 1024 * 1024, sync: 100_000, memory: 1_000_000, memoryWarmup: 20_000, player: 1_000_000, seeks: 2_000, evalSessions: 1_000, evalEvents: 50 }
/** `--runs=N`: fewer (or more) measured runs, to try one change quickly; the table then says so in its header. */
const runsArg = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice('--runs='.length))
if (Number.isInteger(runsArg) && runsArg > 0) SIZES.runs = runsArg
const SLICE = 1000
/** Every call into the page is bounded. */
const CALL_TIMEOUT_MS = quick ? 60_000 : 600_000

const KB = 1000
const MB = 1000 * 1000
const BARS = {
  recordUs: 2,
  /** record() against JSON.stringify of its payload, in the same run, in the npm and the script-tag build. */
  recordVsStringify: 2,
  longTaskMs: 50,
  durableVsRaw: 0.35,
  durableEventsPerSec: 150_000,
  durableVsDexie: 10,
  wireVsRaw: 0.12,
  compressionRatioSlack: 0.1,
  syncVsAnchor: 0.5,
  compactionVsNative: 0.5,
  /** After a burst of 20,000 events, while the page goes on recording, nothing raw within this long (judged in the quick run too). */
  compactionStreamingMs: 2000,
  pageHeapGrowth: 5 * MB,
  workerHeap: 64 * MB,
  playerVsParse: 2,
  evalVsLoad: 2,
  seekP95Ms: 1,
  scriptTagGzip: 30 * KB,
  /** Issue 14 §4: the page entry ≤ 10 KB (was 12 KB). */
  coreEntryGzip: 10 * KB,
}

function log(message) {
  process.stdout.write(`${message}\n`)
}

function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Calls `window.bench[name](arg)` in the page. */
function call(tab, name, arg) {
  return withTimeout(
    tab.page.evaluate(([name, arg]) => window.bench[name](arg), [name, arg]),
    CALL_TIMEOUT_MS,
    `bench.${name}`,
  )
}

/** Warm-up runs (results dropped), then the measured runs. */
async function repeat(label, run, warmups = SIZES.warmups) {
  const results = []
  for (let i = 0; i < warmups; i++) {
    log(`  ${label}: warm-up ${i + 1}/${warmups}`)
    await run(i, true)
  }
  for (let i = 0; i < SIZES.runs; i++) {
    log(`  ${label}: run ${i + 1}/${SIZES.runs}`)
    results.push(await run(i, false))
  }
  return results
}

let databases = 0
const dbName = (what) => `bench-${what}-${process.pid}-${++databases}`

/** Ratios taken per run (figure and anchor measured side by side), then summarised. */
const ratios = (a, b) => summary(a.map((value, i) => value / b[i]))

// — the figures —

async function mainThreadFigures(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  try {
    const count = SIZES.mainThread
    const runs = await repeat('record() on the main thread', async (i) => {
      const result = {}
      for (const mode of i % 2 ? ['recorder', 'empty'] : ['empty', 'recorder']) {
        const arg = { mode, count, slice: SLICE, seed: 11, dbName: dbName('main') }
        if (mode === 'empty') {
          result[mode] = await call(tab, 'mainThread', arg)
          continue
        }
        // The renderer's threads' CPU time over the burst (Linux): time on a CPU against time
        // waiting for one, which a machine shared with other work adds to the page's wall time.
        let before
        let threads
        result[mode] = await callHolding(tab, 'mainThread', arg, {
          atStart: async () => {
            before = rendererThreads(env.userDataDir)
          },
          atEnd: async () => {
            threads = threadDelta(before, rendererThreads(env.userDataDir))
          },
        })
        result[mode].threads = threads
      }
      return result
    })
    const us = runs.map((r) => r.recorder.perEventUs)
    const perEvent = (pick) => (runs.every((r) => r.recorder.threads) ? summary(runs.map((r) => (pick(r.recorder.threads) * 1000) / count)) : undefined)
    const empty = runs.map((r) => r.empty.perEventUs)
    const longTasks = runs.map((r) => r.recorder.longestLongTaskMs)
    const value = summary(us)
    const onCpu = perEvent((t) => t.mainRunMs)
    const cpuRow = onCpu && {
      id: 'record-main-thread-cpu',
      title: '  the same burst: page main thread on a CPU (schedstat; not the bar)',
      unit: 'µs/event',
      value: onCpu,
      anchor: { title: 'waiting for a CPU', unit: 'µs/event', value: perEvent((t) => t.mainWaitMs) },
      detail: {
        method: '/proc/<renderer pid>/task/<main thread>/schedstat: ns on a CPU and ns runnable but waiting, from right before the burst to right after its flush',
        workerOnCpuUsPerEvent: perEvent((t) => t.workerRunMs),
      },
    }
    return [
      ...(cpuRow ? [cpuRow] : []),
      {
        id: 'record-main-thread',
        title: `main-thread cost of record(), ${count.toLocaleString('en-US')}-event burst`,
        unit: 'µs/event',
        value,
        anchor: { title: 'empty loop', unit: 'µs/event', value: summary(empty) },
        ratio: { ...ratios(us, empty), suffix: '×' },
        bar: { text: `≤ ${BARS.recordUs} µs/event`, ok: value.median <= BARS.recordUs },
        detail: {
          // Where the time goes: the slices (record() and handing batches over) and the answers.
          sliceUsPerEvent: summary(runs.map((r) => (r.recorder.sliceMs * 1000) / count)),
          answersUsPerEvent: summary(runs.map((r) => (r.recorder.messageMs * 1000) / count)),
          longestSliceMs: summary(runs.map((r) => r.recorder.longestSliceMs)),
          wallMs: summary(runs.map((r) => r.recorder.wallMs)),
          slice: SLICE,
        },
      },
      {
        id: 'record-long-tasks',
        title: 'longest long task during that burst',
        unit: 'none-or-ms',
        value: summary(longTasks),
        anchor: { title: 'empty loop', unit: 'none-or-ms', value: summary(runs.map((r) => r.empty.longestLongTaskMs)) },
        bar: { text: `no task over ${BARS.longTaskMs} ms in any run`, ok: longTasks.every((ms) => ms === 0) },
        detail: { longTasks: runs.map((r) => r.recorder.longTasks) },
      },
    ]
  } finally {
    await tab.close()
  }
}

async function durableFigures(tab) {
  {
    const count = SIZES.durable
    const modes = ['recorder', 'raw-idb', 'dexie']
    const runs = await repeat('durable throughput', async (i, warm) => {
      const result = {}
      // A different order each run, so drift on a shared machine spreads over all three.
      for (let k = 0; k < modes.length; k++) {
        const mode = modes[(i + k) % modes.length]
        const size = mode === 'dexie' ? SIZES.dexie : count
        result[mode] = await call(tab, 'durable', {
          mode,
          count: size,
          slice: SLICE,
          seed: 23,
          dbName: dbName(mode),
          // The warm-up run (or the first) keeps a few MB of the NDJSON for the compression figure.
          ...(mode === 'recorder' && (warm || (i === 0 && SIZES.warmups === 0)) && { sampleBytes: SIZES.sample }),
        })
        // The compaction figure's anchor, in the same run: the browser's own gzip on the same NDJSON.
        if (mode === 'recorder') result.native = await call(tab, 'nativeCompressionSpeed')
      }
      return result
    })
    const recorder = runs.map((r) => r.recorder.eventsPerSec)
    const raw = runs.map((r) => r['raw-idb'].eventsPerSec)
    const dexie = runs.map((r) => r.dexie.eventsPerSec)
    const perEvent = (r) => r.recorder.wireBytes / r.recorder.events
    const rawPerEvent = (r) => r.recorder.rawBytes / r.recorder.events
    const throughput = summary(recorder)
    const vsRaw = ratios(recorder, raw)
    const vsDexie = ratios(recorder, dexie)
    // Runs whose raw chunks were all compressed within the bound (else their wire bytes are not what an upload sends).
    const settled = runs.filter((r) => !r.recorder.compaction.error)
    const unsettled = runs.find((r) => r.recorder.compaction.error)?.recorder.compaction.error
    const wire = ratios(settled.map(perEvent), settled.map(rawPerEvent))
    const floorRuns = settled.filter((r) => r.recorder.payloadGzipBytes !== undefined)
    const floorPerEvent = (r) => r.recorder.payloadGzipBytes / r.recorder.events
    return [
      {
        id: 'durable-throughput',
        title: `durable throughput, record() → flush(), ${count.toLocaleString('en-US')} events`,
        unit: 'events/s',
        value: throughput,
        anchor: { title: 'raw IndexedDB, 1 JSON record/1000 events', unit: 'events/s', value: summary(raw) },
        ratio: { ...vsRaw, suffix: '×' },
        bar: {
          text: `≥ ${BARS.durableVsRaw}× anchor and ≥ ${BARS.durableEventsPerSec / 1000} k/s`,
          ok: vsRaw.median >= BARS.durableVsRaw && throughput.median >= BARS.durableEventsPerSec,
        },
        detail: { ms: summary(runs.map((r) => r.recorder.ms)), chunks: runs[0]?.recorder.chunks, chunkRawBytes: runs[0] && Math.round(runs[0].recorder.rawBytes / runs[0].recorder.chunks), storedRawAtFlush: runs.map((r) => r.recorder.compaction.rawChunks) },
      },
      {
        id: 'durable-vs-dexie',
        title: 'the same, against the obvious design',
        unit: 'events/s',
        value: throughput,
        anchor: { title: `Dexie bulkPut, 1 record/event (${SIZES.dexie.toLocaleString('en-US')} events)`, unit: 'events/s', value: summary(dexie) },
        ratio: { ...vsDexie, suffix: '×' },
        bar: { text: `≥ ${BARS.durableVsDexie}× the peer`, ok: vsDexie.median >= BARS.durableVsDexie },
      },
      settled.length === 0
        ? { id: 'wire-bytes', title: 'bytes on the wire per chat event (stored gzip chunks)', status: 'error', error: `not measured: ${unsettled}` }
        : {
            id: 'wire-bytes',
            title: 'bytes on the wire per chat event (stored gzip chunks)',
            unit: 'B/event',
            value: summary(settled.map(perEvent)),
            anchor: { title: 'raw NDJSON', unit: 'B/event', value: summary(settled.map(rawPerEvent)) },
            ratio: { ...wire, digits: 3 },
            bar: { text: `≤ ${BARS.wireVsRaw} of raw`, ok: wire.median <= BARS.wireVsRaw },
            ...(unsettled && { detail: { runsLeftOut: runs.length - settled.length, why: unsettled } }),
          },
      ...compactionFigures(runs, count),
      ...(floorRuns.length > 0
        ? [
            {
              id: 'wire-bytes-payloads',
              title: '  the payloads alone, no envelope, gzip -9 per chunk (not the bar)',
              unit: 'B/event',
              value: summary(floorRuns.map(floorPerEvent)),
              anchor: { title: 'raw NDJSON', unit: 'B/event', value: summary(floorRuns.map(rawPerEvent)) },
              ratio: { ...ratios(floorRuns.map(floorPerEvent), floorRuns.map(rawPerEvent)), digits: 3 },
              detail: { method: "each stored event's data as JSON, one a line, gzip level 9 in groups of the recorder's events per chunk: what no envelope design can go below with gzip" },
            },
          ]
        : []),
    ]
  }
}

/**
 * Compaction, from the durable runs: the chunks stored raw at the burst's end, their raw bytes per
 * second from the end of the burst until nothing is raw, against CompressionStream's MB/s measured
 * right after in the same run.
 */
function compactionFigures(all, count) {
  const n = count.toLocaleString('en-US')
  const runs = all.filter((r) => !r.recorder.compaction.error)
  const unsettled = all.find((r) => r.recorder.compaction.error)?.recorder.compaction.error
  if (unsettled) {
    // One run past its bound is the figure: the others would hide the slow one.
    return [{ id: 'compaction-settle', title: `compaction after a ${n}-event burst`, status: 'error', error: `not measured: ${unsettled}` }]
  }
  const settle = runs.map((r) => r.recorder.compaction.waitedMs)
  const settleRow = {
    id: 'compaction-settle',
    title: `compaction: time from the end of a ${n}-event burst until nothing is raw`,
    unit: 'ms',
    value: summary(settle),
    detail: { rawChunksAtEnd: runs.map((r) => r.recorder.compaction.rawChunks), rawBytesAtEnd: runs.map((r) => r.recorder.compaction.rawBytes), boundMs: runs.map((r) => Math.round(r.recorder.compaction.boundMs)) },
  }
  const timed = runs.filter((r) => r.recorder.compaction.rawBytes > 0 && r.recorder.compaction.waitedMs > 0)
  if (timed.length === 0) {
    return [{ id: 'compaction', title: 'compaction', status: 'error', error: 'not measured: no chunk was raw at the end of any burst (compaction kept up during it)' }, settleRow]
  }
  const speed = timed.map((r) => r.recorder.compaction.rawBytes / MB / (r.recorder.compaction.waitedMs / 1000))
  const native = timed.map((r) => r.native)
  const ratio = ratios(speed, native)
  return [
    {
      id: 'compaction',
      title: `compaction after a ${n}-event burst: raw MB compressed per s`,
      unit: 'MB/s',
      value: summary(speed),
      anchor: { title: "CompressionStream('gzip') in a worker, same NDJSON", unit: 'MB/s', value: summary(native) },
      ratio: { ...ratio, suffix: '×' },
      bar: { text: `≥ ${BARS.compactionVsNative}× anchor`, ok: ratio.median >= BARS.compactionVsNative },
      detail: {
        method: "from flush() resolving until no chunk of the session is raw (chunk records polled every 20 ms); the bytes are the raw chunks' sizes at the burst's end",
        runsTimed: timed.length,
      },
    },
    {
      id: 'compaction-chunks',
      title: '  the same, in chunks',
      unit: 'chunks/s',
      value: summary(timed.map((r) => r.recorder.compaction.rawChunks / (r.recorder.compaction.waitedMs / 1000))),
    },
    settleRow,
  ]
}

const methodId = (m) => (m.kind === 'native' ? 'native' : `fflate-${m.level}${m.mem !== undefined ? `-mem${m.mem}` : ''}`)
const methodTitle = (m) => (m.kind === 'native' ? "CompressionStream('gzip')" : `fflate gzipSync level ${m.level}${m.mem !== undefined ? `, mem ${m.mem}` : ''}`)

async function compressionFigures(tab, chunkRawBytes) {
  // The durable figure's first recorder run kept the NDJSON and a stored chunk in this tab.
  const inBytes = await call(tab, 'compressionSetup')
  try {
    // The recorder's method, told from a chunk it stored (not from its source): the candidate
    // that makes the same deflate stream from the same NDJSON.
    const identified = await call(tab, 'compressionIdentify')
    if (identified.matches.length === 0) {
      throw new Error(`the recorder's stored chunk matches neither CompressionStream('gzip') nor fflate at any level or memory setting: update bench/pages/anchors/compressionWorker.ts`)
    }
    // Several can match (a tiny chunk): the native stream first, then the lowest fflate level.
    const used = identified.matches[0]
    const tried = [{ kind: 'fflate', level: 1 }, { kind: 'fflate', level: 6 }, { kind: 'native' }]
    if (!tried.some((m) => methodId(m) === methodId(used))) tried.push(used)
    const methods = tried.map((method) => ({ id: methodId(method), title: methodTitle(method), method }))
    const mine = methods.find((m) => m.id === methodId(used))
    // Not in the bar: one gzip member per stored chunk (their average size), by the recorder's own
    // method and by fflate level 6 (the one to weigh against it when it is the faster whole).
    const fflate6 = methods.find((m) => m.id === methodId({ kind: 'fflate', level: 6 }))
    const perChunk = chunkRawBytes
      ? [...new Set([mine, fflate6])].map((m) => ({ id: `${m.id}-chunks`, title: `${m.title}, per ${format(chunkRawBytes, 'bytes')} chunk as stored`, method: m.method, pieceBytes: chunkRawBytes, info: true }))
      : []
    const measured = [...methods, ...perChunk]
    const runs = await repeat('compression in the worker', async (i) => {
      const result = {}
      for (let k = 0; k < measured.length; k++) {
        const m = measured[(i + k) % measured.length]
        result[m.id] = await call(tab, 'compress', { method: m.method, ...(m.pieceBytes && { pieceBytes: m.pieceBytes }) })
      }
      return result
    })
    const stats = measured.map((m) => ({
      ...m,
      speed: summary(runs.map((r) => r[m.id].inBytes / MB / (r[m.id].ms / 1000))),
      ratio: summary(runs.map((r) => r[m.id].outBytes / r[m.id].inBytes)),
    }))
    const candidates = stats.filter((s) => !s.info)
    const best = Math.min(...candidates.map((s) => s.ratio.median))
    const eligible = candidates.filter((s) => s.ratio.median <= best * (1 + BARS.compressionRatioSlack))
    const fastest = eligible.reduce((a, b) => (b.speed.median > a.speed.median ? b : a))
    return stats.map((s) => ({
      id: `compression-${s.id}`,
      title: `compression in the worker: ${s.title}${s.id === mine.id ? ' (the recorder’s)' : ''}`,
      unit: 'MB/s',
      value: s.speed,
      anchor: { title: `gzip ratio on ${format(inBytes, 'bytes')} of NDJSON`, unit: '', text: 'see ratio' },
      ratio: { ...s.ratio, digits: 3 },
      ...(s.id === mine.id && {
        bar: { text: `fastest of those within ${BARS.compressionRatioSlack * 100}% of the best ratio`, ok: fastest.id === s.id },
      }),
      detail: {
        inBytes,
        method: s.method,
        ...(s.pieceBytes && { pieceBytes: s.pieceBytes }),
        eligible: !s.info && s.ratio.median <= best * (1 + BARS.compressionRatioSlack),
        fastestEligible: fastest.id,
        ...(s.id === mine.id && { recorderMethod: { identifiedFrom: `a stored chunk of ${identified.storedBytes} bytes (${identified.rawBytes} bytes of NDJSON)`, matches: identified.matches } }),
      },
    }))
  } finally {
    await call(tab, 'compressionTeardown')
  }
}

/** Compaction while the page keeps recording after its burst (a streamed reply): judged in the quick run too. */
async function compactionStreamingFigure(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  const count = 20_000
  // A streamed reply, one event per token: the page hands the worker a batch every 50 ms
  // (flushIntervalMs), so the worker is never idle for long.
  const everyMs = 10
  try {
    const runs = await repeat('compaction while recording', () => call(tab, 'compactionStreaming', { count, slice: SLICE, seed: 29, dbName: dbName('streaming'), everyMs }))
    const waited = summary(runs.map((r) => r.waitedMs))
    return [
      {
        id: 'compaction-streaming',
        title: `compaction: a ${count.toLocaleString('en-US')}-event burst, then ${1000 / everyMs} events/s: its end until nothing is raw`,
        unit: 'ms',
        value: waited,
        bar: { text: `≤ ${BARS.compactionStreamingMs / 1000} s in every run (the quick run too)`, ok: waited.max <= BARS.compactionStreamingMs, quick: true },
        detail: { rawChunksAtEnd: runs.map((r) => r.rawChunks), rawBytesAtEnd: runs.map((r) => r.rawBytes), streamedMeanwhile: runs.map((r) => r.streamed) },
      },
    ]
  } finally {
    await tab.close()
  }
}

async function syncFigures(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  const count = SIZES.sync
  try {
    const runs = await repeat('sync to the reference server', async (i) => {
      env.syncServer.reset()
      env.anchorServer.reset()
      const result = await call(tab, 'sync', {
        count,
        slice: SLICE,
        seed: 31,
        dbName: dbName('sync'),
        endpoint: env.syncServer.url,
        anchorEndpoint: env.anchorServer.url,
        anchorFirst: i % 2 === 1,
      })
      // Both servers must hold every event: a sync that failed fast would look fast.
      for (const [name, server] of [['sync', env.syncServer], ['anchor', env.anchorServer]]) {
        const session = await server.session(result.sessionId)
        if (session?.stats.events !== result.events || session.completeness.gaps.length > 0) {
          throw new Error(`the ${name} server holds ${session?.stats.events ?? 0} of ${result.events} events`)
        }
      }
      return { ...result, requests: env.syncServer.counted.requests }
    })
    const sync = runs.map((r) => r.bytes / (r.syncMs / 1000))
    const anchor = runs.map((r) => r.bytes / (r.anchorMs / 1000))
    const ratio = ratios(sync, anchor)
    return [
      {
        id: 'sync',
        title: `sync: ${count.toLocaleString('en-US')} events, IndexedDB → reference server (loopback)`,
        unit: 'bytes/s',
        value: summary(sync),
        anchor: { title: 'one fetch POST of the same bytes', unit: 'bytes/s', value: summary(anchor) },
        ratio: { ...ratio, suffix: '×' },
        bar: { text: `≥ ${BARS.syncVsAnchor}× anchor`, ok: ratio.median >= BARS.syncVsAnchor },
        detail: {
          bytes: runs[0]?.bytes,
          chunks: runs[0]?.chunks,
          requests: summary(runs.map((r) => r.requests)),
          syncMs: summary(runs.map((r) => r.syncMs)),
          anchorMs: summary(runs.map((r) => r.anchorMs)),
        },
      },
    ]
  } finally {
    await tab.close()
  }
}

const isRecorderWorker = (info) => info.title === 'tapedeck' || /\/worker-[^/]*\.js$/.test(info.url)

async function memoryFigures(env) {
  const count = SIZES.memory
  // No separate warm-up run: every run has a fresh tab and warms up inside it (memoryWarmup events).
  const runs = await repeat('memory', async () => {
    // A fresh tab each run: its heap holds only this run.
    const tab = await openBenchPage(env.context, env.pageUrl)
    try {
      await call(tab, 'memorySetup', { seed: 43, dbName: dbName('memory'), warmup: SIZES.memoryWarmup, slice: SLICE })
      const worker = tab.workers.find(isRecorderWorker)
      if (!worker) throw new Error(`no DevTools session on the recorder's worker (workers: ${JSON.stringify(tab.workers.list())})`)
      const pageBefore = await tab.heap()
      const workerBefore = await tab.workers.heap(worker)
      // While it records, sample both heaps (no forced GC, so garbage not yet collected counts too).
      let workerPeak = workerBefore.usedSize
      let pagePeak = pageBefore.usedSize
      let done = false
      const burst = call(tab, 'memoryBurst', { count, slice: SLICE }).finally(() => {
        done = true
      })
      for (let polls = 0; !done && polls < 10_000; polls++) {
        const [w, p] = await Promise.all([
          tab.workers.heap(worker, { gc: false }).catch(() => undefined),
          tab.cdp.send('Runtime.getHeapUsage').catch(() => undefined),
        ])
        if (w) workerPeak = Math.max(workerPeak, w.usedSize)
        if (p) pagePeak = Math.max(pagePeak, p.usedSize)
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      const { ms } = await burst
      const pageAfter = await tab.heap()
      const workerAfter = await tab.workers.heap(worker)
      await call(tab, 'memoryTeardown')
      return { ms, pageBefore: pageBefore.usedSize, pageAfter: pageAfter.usedSize, pagePeak, workerBefore: workerBefore.usedSize, workerAfter: workerAfter.usedSize, workerPeak }
    } finally {
      await tab.close()
    }
  }, 0)
  const growth = summary(runs.map((r) => r.pageAfter - r.pageBefore))
  const workerAfter = summary(runs.map((r) => r.workerAfter))
  const workerPeak = summary(runs.map((r) => r.workerPeak))
  const n = count.toLocaleString('en-US')
  const pageMethod = 'CDP on the page: HeapProfiler.collectGarbage (twice), then Runtime.getHeapUsage usedSize'
  const workerMethod = "CDP on the worker: the page's session auto-attaches to its workers (Target.setAutoAttach, not flattened) and sends HeapProfiler.collectGarbage (twice), then Runtime.getHeapUsage usedSize, through Target.sendMessageToTarget"
  return [
    {
      id: 'memory-page',
      title: `memory: page heap growth after ${n} events`,
      unit: 'bytes',
      value: growth,
      anchor: { title: 'page heap before', unit: 'bytes', value: summary(runs.map((r) => r.pageBefore)) },
      ratio: { ...ratios(runs.map((r) => r.pageAfter), runs.map((r) => r.pageBefore)), suffix: '× after/before' },
      bar: { text: `grows ≤ ${BARS.pageHeapGrowth / MB} MB`, ok: growth.median <= BARS.pageHeapGrowth },
      detail: { method: pageMethod, recordMs: summary(runs.map((r) => r.ms)), warmupEvents: SIZES.memoryWarmup },
    },
    {
      id: 'memory-page-peak',
      title: `memory: page heap at its peak while recording them`,
      unit: 'bytes',
      value: summary(runs.map((r) => r.pagePeak)),
      anchor: { title: 'page heap before', unit: 'bytes', value: summary(runs.map((r) => r.pageBefore)) },
      ratio: { ...ratios(runs.map((r) => r.pagePeak), runs.map((r) => r.pageBefore)), suffix: '× peak/before' },
      detail: { method: 'CDP on the page: Runtime.getHeapUsage usedSize sampled every 250 ms during the burst without forcing a GC (uncollected garbage counts)' },
    },
    {
      id: 'memory-worker',
      title: `memory: worker heap after ${n} events`,
      unit: 'bytes',
      value: workerAfter,
      anchor: { title: 'worker heap before', unit: 'bytes', value: summary(runs.map((r) => r.workerBefore)) },
      ratio: { ...ratios(runs.map((r) => r.workerAfter), runs.map((r) => r.workerBefore)), suffix: '× after/before' },
      bar: { text: `≤ ${BARS.workerHeap / MB} MB`, ok: workerAfter.median <= BARS.workerHeap },
      detail: { method: workerMethod },
    },
    {
      id: 'memory-worker-peak',
      title: `memory: worker heap at its peak while recording them`,
      unit: 'bytes',
      value: workerPeak,
      anchor: { title: 'worker heap before', unit: 'bytes', value: summary(runs.map((r) => r.workerBefore)) },
      ratio: { ...ratios(runs.map((r) => r.workerPeak), runs.map((r) => r.workerBefore)), suffix: '× peak/before' },
      bar: { text: `≤ ${BARS.workerHeap / MB} MB`, ok: workerPeak.median <= BARS.workerHeap },
      detail: { method: `${workerMethod}; sampled every 250 ms during the burst without forcing a GC (uncollected garbage counts)` },
    },
  ]
}

async function playerFigures(env) {
  // Cross-origin isolated: performance.now() in 5 µs steps, fine enough to time one seek.
  const tab = await openBenchPage(env.context, `${env.pageUrl}?isolated`)
  const count = SIZES.player
  try {
    const session = await call(tab, 'playerSetup', { count, seed: 53 })
    if (!session.crossOriginIsolated) throw new Error('the player page is not cross-origin isolated: seek times would be in 100 µs steps')
    const runs = await repeat('player', async (i) => {
      const result = {}
      for (const mode of i % 2 ? ['player', 'parse'] : ['parse', 'player']) {
        // Each run starts from a collected heap: the previous run's million objects are not on its bill.
        await tab.heap()
        result[mode] = await call(tab, 'playerRun', { mode, seeks: SIZES.seeks, seed: 59 + i })
      }
      return result
    })
    await call(tab, 'playerTeardown')
    const load = runs.map((r) => r.player.ms)
    const parse = runs.map((r) => r.parse.ms)
    const ratio = ratios(load, parse)
    const p95 = summary(runs.map((r) => r.player.seekP95))
    const n = count.toLocaleString('en-US')
    return [
      {
        id: 'player-load',
        title: `player: loadRecording + index, ${n} events`,
        unit: 'ms',
        value: summary(load),
        anchor: { title: 'JSON.parse of every line of the same NDJSON', unit: 'ms', value: summary(parse) },
        ratio: { ...ratio, suffix: '×' },
        bar: { text: `≤ ${BARS.playerVsParse}× the anchor`, ok: ratio.median <= BARS.playerVsParse },
        detail: {
          ndjsonChars: session.chars,
          bytesPerEvent: Math.round(session.chars / count),
          oneByteString: session.oneByte,
          loadRecordingMs: summary(runs.map((r) => r.player.loadMs)),
          indexMs: summary(runs.map((r) => r.player.indexMs)),
        },
      },
      {
        id: 'player-seek',
        title: `player: seek p95, ${n} events (${SIZES.seeks.toLocaleString('en-US')} seeks to random positions)`,
        unit: 'ms',
        value: p95,
        bar: { text: `≤ ${BARS.seekP95Ms} ms`, ok: p95.median <= BARS.seekP95Ms },
        detail: { p50: summary(runs.map((r) => r.player.seekP50)), max: summary(runs.map((r) => r.player.seekMax)), timer: 'performance.now() in a cross-origin isolated page (5 µs steps)' },
      },
    ]
  } finally {
    await tab.close()
  }
}

async function evalFigures(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  const sessions = SIZES.evalSessions
  try {
    await call(tab, 'evalSetup', { sessions, events: SIZES.evalEvents, seed: 61 })
    const runs = await repeat('evaluate', async (i) => {
      const result = {}
      for (const mode of i % 2 ? ['evaluate', 'load'] : ['load', 'evaluate']) {
        await tab.heap()
        result[mode] = await call(tab, 'evalRun', { mode })
      }
      return result
    })
    await call(tab, 'evalTeardown')
    const evaluateMs = runs.map((r) => r.evaluate.ms)
    const loadMs = runs.map((r) => r.load.ms)
    const ratio = ratios(evaluateMs, loadMs)
    const { checks, results, passRate } = runs[0].evaluate
    return [
      {
        id: 'eval-checks',
        title: `evaluate: ${checks} built-in checks on ${sessions.toLocaleString('en-US')} recordings of ${SIZES.evalEvents} events`,
        unit: 'ms',
        value: summary(evaluateMs),
        anchor: { title: 'loadRecording of the same NDJSON texts', unit: 'ms', value: summary(loadMs) },
        ratio: { ...ratio, suffix: '×' },
        bar: { text: `≤ ${BARS.evalVsLoad}× the anchor`, ok: ratio.median <= BARS.evalVsLoad },
        detail: { results, passRate, annotationsWritten: results, note: 'results written as validation.result annotations (the default)' },
      },
    ]
  } finally {
    await tab.close()
  }
}

/**
 * The main-thread cost of an app call that `autoCapture` intercepts and records (console.warn, a
 * fetch answered 404), against the same call unwatched, back to back in one tab (captureBench.ts).
 * No bar yet: the issue asks for the figure.
 */
async function captureFigures(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  const count = quick ? 2_000 : 20_000
  try {
    const rows = []
    for (const kind of ['console', 'console-stub', 'network']) {
      await call(tab, 'captureSetup', { kind, db: dbName(`capture-${kind}`) })
      let recorded = 0
      const runs = await repeat(`autoCapture.${kind} intercepts`, async (i) => {
        const result = {}
        for (const mode of i % 2 ? ['captured', 'plain'] : ['plain', 'captured']) result[mode] = await call(tab, 'captureRun', { kind, mode, count })
        recorded = result.captured.accepted
        return result
      })
      await call(tab, 'captureTeardown')
      const captured = runs.map((r) => r.captured.usPerCall)
      const plain = runs.map((r) => r.plain.usPerCall)
      rows.push({
        id: `capture-${kind}`,
        title: `autoCapture.${kind === 'network' ? 'network' : 'console'}: an intercepted, recorded ${{ console: 'console.warn', 'console-stub': 'warn() of a console that prints nothing', network: 'fetch answered 404 (stub)' }[kind]} (${count.toLocaleString('en-US')} calls)`,
        unit: 'µs/call',
        value: summary(captured),
        anchor: { title: { console: 'the same console.warn, unwatched', 'console-stub': 'the same warn(), unwatched', network: 'the same stub fetch, unwatched' }[kind], unit: 'µs/call', value: summary(plain) },
        // Against a warn() that does nothing a ratio says nothing: the extra time is the figure.
        ...(kind !== 'console-stub' && { ratio: { ...ratios(captured, plain), suffix: '×' } }),
        detail: { extraUsPerCall: summary(captured.map((us, i) => us - plain[i])), recordedAtEnd: recorded, time: 'wall time in the page, main thread' },
      })
    }
    return rows
  } finally {
    await tab.close()
  }
}

/** Read from the widget's build, not built here: a file older than its sources says so. */
/**
 * record() against JSON.stringify of the same payloads, for the npm build (the bench page's
 * bundle) and the script-tag file (dist/tapedeck.js), each pair measured back to back in one tab.
 * The ratio is of the page main thread's CPU time over each burst (Linux schedstat: on a loaded
 * machine wall time mostly measures waiting for a CPU); elsewhere of wall time in the page.
 */
async function recordVsStringifyFigures(env) {
  if (!scriptTagSize()) throw new Error('packages/widget/dist/tapedeck.js is not built (npm run build -w @tapedeck/widget)')
  const tab = await openBenchPage(env.context, env.pageUrl)
  try {
    const count = quick ? 5_000 : 20_000
    const builds = ['npm', 'script']
    const burst = async (build, mode) => {
      let before
      let threads
      const result = await callHolding(tab, 'recordVsStringify', { build, mode, count, slice: SLICE, seed: 13, dbName: dbName(`stringify-${build}`) }, {
        atStart: async () => {
          before = rendererThreads(env.userDataDir)
        },
        atEnd: async () => {
          threads = threadDelta(before, rendererThreads(env.userDataDir))
        },
      })
      return { ...result, cpuUs: threads ? (threads.mainRunMs * 1000) / count : undefined }
    }
    const runs = await repeat('record() against JSON.stringify, npm and script-tag builds', async (i) => {
      const result = {}
      for (const build of i % 2 ? [...builds].reverse() : builds) {
        const modes = i % 2 ? ['record', 'stringify'] : ['stringify', 'record']
        const pair = {}
        for (const mode of modes) pair[mode] = await burst(build, mode)
        result[build] = pair
      }
      return result
    })
    const cpu = runs.every((r) => builds.every((b) => r[b].record.cpuUs !== undefined && r[b].stringify.cpuUs !== undefined))
    const pick = (r, mode) => (cpu ? r[mode].cpuUs : r[mode].perEventUs)
    return builds.map((build) => {
      const us = runs.map((r) => pick(r[build], 'record'))
      const json = runs.map((r) => pick(r[build], 'stringify'))
      const ratio = ratios(us, json)
      const longest = runs.map((r) => r[build].record.longestLongTaskMs)
      const ok = ratio.median <= BARS.recordVsStringify && longest.every((ms) => ms <= BARS.longTaskMs)
      return {
        id: `record-vs-stringify-${build}`,
        title: `record() against JSON.stringify of its payload, ${build === 'npm' ? 'npm build' : 'script-tag build'} (${count.toLocaleString('en-US')} calls, main-thread ${cpu ? 'CPU' : 'wall'} time)`,
        unit: 'µs/event',
        value: summary(us),
        anchor: { title: 'JSON.stringify', unit: 'µs/event', value: summary(json) },
        ratio: { ...ratio, suffix: '×' },
        bar: { text: `≤ ${BARS.recordVsStringify}× and no long task over ${BARS.longTaskMs} ms`, ok },
        detail: {
          time: cpu ? 'page main thread on a CPU (schedstat)' : 'wall time in the page',
          wallUs: summary(runs.map((r) => r[build].record.perEventUs)),
          stringifyWallUs: summary(runs.map((r) => r[build].stringify.perEventUs)),
          longestLongTaskMs: summary(longest),
          longestSliceMs: summary(runs.map((r) => r[build].record.longestSliceMs)),
          slice: SLICE,
        },
      }
    })
  } finally {
    await tab.close()
  }
}

async function scriptTagFigure() {
  const title = 'script-tag bundle, gzip -9, worker included'
  const bar = `≤ ${BARS.scriptTagGzip / KB} KB`
  const size = scriptTagSize()
  if (!size) {
    return { id: 'script-tag-bundle', title, status: 'not built yet', bar: { text: bar }, detail: { note: 'packages/widget/dist/tapedeck.js is not built (npm run build -w @tapedeck/widget)' } }
  }
  if (!size.oneFile) throw new Error(`${size.file} is not one file that starts its own worker: its size would not include the worker`)
  // What each module costs (the file built again without it), and the sibling files: the full run only.
  let shares
  if (!quick) {
    const { scriptTagShares, formatShares } = await import('../packages/widget/scripts/sizeReport.mjs')
    shares = await scriptTagShares()
    log(formatShares(shares).replace(/^/gm, '    '))
  }
  return {
    id: 'script-tag-bundle',
    title: `${title}${size.stale ? ' (built before its sources last changed)' : ''}`,
    unit: 'bytes',
    value: summary([size.gzip]),
    bar: { text: bar, ok: size.gzip <= BARS.scriptTagGzip },
    detail: { ...size, ...(shares && { shares: Object.fromEntries(shares) }) },
  }
}

async function bundleFigures() {
  const size = await coreBundleSize(here('./dist/size'))
  const one = (value) => summary([value])
  return [
    {
      id: 'core-page-entry',
      title: '@tapedeck/core page entry, gzip -9',
      unit: 'bytes',
      value: one(size.pageGzip),
      bar: { text: `≤ ${BARS.coreEntryGzip / KB} KB`, ok: size.pageGzip <= BARS.coreEntryGzip },
      detail: size,
    },
    {
      id: 'core-recorder-only',
      title: '  the same, createRecorder alone (tree-shaken)',
      unit: 'bytes',
      value: one(size.recorderOnly.pageGzip),
      detail: size.recorderOnly,
    },
    {
      id: 'core-worker',
      title: '@tapedeck/core worker file, gzip -9',
      unit: 'bytes',
      value: one(size.workerGzip),
      detail: { file: size.workerFile, bytes: size.workerBytes },
    },
  ]
}

// — profiles —

/**
 * Calls a page function that holds right before its burst and right after it (`hold: true`),
 * running `atStart()` and `atEnd()` there. The page says it holds through a binding, so nothing
 * polls the page while the burst runs.
 */
async function callHolding(tab, name, arg, { atStart, atEnd }) {
  if (!tab.onHold) await tab.page.exposeFunction('benchHeld', () => tab.onHold?.())
  let settled = false
  let wake = () => {}
  tab.onHold = () => wake()
  const held = () =>
    new Promise((resolve, reject) => {
      wake = resolve
      if (settled) reject(new Error(`bench.${name} finished without holding`))
    })
  let hold = held()
  const running = call(tab, name, { ...arg, hold: true })
  // If the call ends (or fails) without holding, nothing waits for a hold that never comes.
  void running.then(
    () => ((settled = true), wake()),
    () => ((settled = true), wake()),
  )
  await hold
  if (settled) return running
  await atStart()
  hold = held()
  await tab.page.evaluate(() => window.bench.release())
  await hold
  if (settled) return running
  await atEnd()
  await tab.page.evaluate(() => window.bench.release())
  return running
}

/** Runs a figure's page function with the CPU profiler on in the page and the recorder's worker. */
async function profiled(tab, name, arg) {
  const targets = []
  return callHolding(tab, name, arg, {
    async atStart() {
      const worker = tab.workers.find(isRecorderWorker)
      targets.push(['page', (method, params) => tab.cdp.send(method, params)])
      if (worker) targets.push(['worker', (method, params) => tab.workers.send(worker, method, params)])
      for (const [, send] of targets) {
        await send('Profiler.enable', {})
        await send('Profiler.setSamplingInterval', { interval: 200 })
        await send('Profiler.start', {})
      }
    },
    async atEnd() {
      for (const [target, send] of targets) {
        const { profile } = await send('Profiler.stop', {})
        const label = arg.build ? `${arg.build}-${arg.mode}` : arg.mode
        const file = saveProfile(`${name}-${label}-${target}`, profile)
        printProfile(`${name} (${label}), ${target} — ${file}`, summariseProfile(profile), log)
      }
    },
  })
}

async function profiles(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  try {
    if (wanted('main')) {
      const main = { mode: 'recorder', count: SIZES.mainThread, slice: SLICE, seed: 11 }
      await call(tab, 'mainThread', { ...main, dbName: dbName('profile') })
      const m = await profiled(tab, 'mainThread', { ...main, dbName: dbName('profile') })
      log(`\nmainThread: ${m.perEventUs.toFixed(2)} µs/event, longest long task ${m.longestLongTaskMs} ms`)
    }
    if (wanted('durable')) {
      const durable = { mode: 'recorder', count: SIZES.durable, slice: SLICE, seed: 23 }
      await call(tab, 'durable', { ...durable, dbName: dbName('profile') })
      const d = await profiled(tab, 'durable', { ...durable, dbName: dbName('profile') })
      log(`\ndurable: ${Math.round(d.eventsPerSec)} events/s`)
    }
    // record() against JSON.stringify (`--only=stringify`): each build's burst and its anchor, warmed once first.
    if (wanted('stringify')) {
      for (const build of ['npm', 'script']) {
        for (const mode of ['stringify', 'record']) {
          const arg = { build, mode, count: 20_000, slice: SLICE, seed: 13, dbName: dbName(`profile-${build}`) }
          await call(tab, 'recordVsStringify', arg)
          const r = await profiled(tab, 'recordVsStringify', arg)
          log(`\nrecordVsStringify ${build} ${mode}: ${r.perEventUs.toFixed(2)} µs/event (wall), longest long task ${r.longestLongTaskMs} ms`)
        }
      }
    }
  } finally {
    await tab.close()
  }
}

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

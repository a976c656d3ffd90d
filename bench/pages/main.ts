/**
 * The bench page: every figure's browser side, exposed as `window.bench` for `bench/run.mjs`.
 * Built for production from the package sources; the recorder's worker is its own file.
 */
import { createRecorder, type Recorder, type RecorderOptions } from '@tapedeck/core'
import { wrap, type Remote } from 'comlink'
import { gzipSync } from 'fflate'
import type { CompressionApi, CompressionMethod } from './anchors/compressionWorker'
import type { DexieApi } from './anchors/dexieWorker'
import type { RawIdbApi } from './anchors/rawIdbWorker'
import { chatEvents, makeChatEvents, type ChatMessage } from './chatEvents'
import { seeded } from '../../packages/core/test/seeded.mjs'
import { deleteDatabase, settleCompaction, storedChunks } from './database'
import { sessionNdjson, type SessionText } from './sessionNdjson'
import { evalRun, evalSetup, evalTeardown } from './evalBench'
import { captureRun, captureSetup, captureTeardown } from './captureBench'
import { meterWorkerMessages, nextTask, runSlices, timeout, watchLongTasks } from './meter'

// Before any worker exists: every worker's messages are timed on the main thread.
meterWorkerMessages()

const TYPE = 'message.created'
/** Distinct events the main-thread figure cycles through. */
const POOL = 2000
const encoder = new TextEncoder()

/**
 * What the recorder stored, for the compression figure: the start of the NDJSON of a durable run,
 * and one of its chunks as stored (the recorder's compression is told from it).
 */
let sample: Uint8Array | undefined
let sampleChunk: { bytes: Uint8Array | undefined; encrypted: number } | undefined
/** The recorded payloads alone, gzip -9 chunk by chunk: what the wire cannot go below. */
let payloadGzipBytes: number | undefined

/** Throws unless every event went through the worker into IndexedDB. */
function checkDurable(recorder: Recorder, expected: number): void {
  const { engine, storage, counts, error } = recorder.getSnapshot()
  if (engine !== 'worker' || storage !== 'indexeddb') {
    throw new Error(`the recorder ran with engine ${engine} and storage ${storage}, not in a worker on IndexedDB (${error?.message ?? 'no error'})`)
  }
  if (counts.durable !== expected || counts.dropped !== 0) {
    throw new Error(`expected ${expected} durable events, got ${counts.durable} durable and ${counts.dropped} dropped (${error?.message ?? 'no error'})`)
  }
}

async function startRecorder(options: RecorderOptions): Promise<{ recorder: Recorder; sessionId: string }> {
  const recorder = createRecorder(options)
  const { id } = await recorder.start({ feature: 'bench' })
  // The worker is up and the session stored: from here on only recording is timed.
  await recorder.flush()
  return { recorder, sessionId: id }
}

async function closeRecorder(recorder: Recorder, dbName: string): Promise<void> {
  await recorder.close()
  await deleteDatabase(dbName)
}

function recordSlice(recorder: Recorder, events: ChatMessage[]) {
  return (from: number, to: number) => {
    for (let i = from; i < to; i++) recorder.record(TYPE, events[i]!)
  }
}

interface ScriptTagApi {
  init(options: RecorderOptions & { autoCapture?: boolean }): Recorder
  destroy(): Promise<void>
}
let scriptTagLoad: Promise<ScriptTagApi> | undefined
/** The script-tag file (served beside this page as /tapedeck.js), loaded once by a <script> tag. */
function scriptTag(): Promise<ScriptTagApi> {
  return (scriptTagLoad ??= new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = '/tapedeck.js'
    script.onload = () => resolve((window as unknown as { Tapedeck: ScriptTagApi }).Tapedeck)
    script.onerror = () => reject(new Error('/tapedeck.js did not load: build it with `npm run build -w @tapedeck/widget`'))
    document.head.append(script)
  }))
}

let sink: unknown

/**
 * With `hold: true` a figure stops right before its burst and right after it until `release()`,
 * and says so by calling `window.benchHeld()` (a binding `bench/run.mjs` exposes: no polling
 * during the burst), which then starts and stops profilers or reads thread times.
 */
let held: (() => void) | undefined
function holdIfAsked(hold: boolean | undefined): Promise<void> {
  if (!hold) return Promise.resolve()
  return new Promise((resolve) => {
    held = resolve
    void (window as { benchHeld?: () => Promise<void> }).benchHeld?.()
  })
}

function anchorWorker<T>(kind: 'raw-idb' | 'dexie'): { anchor: Remote<T>; worker: Worker } {
  const worker =
    kind === 'raw-idb'
      ? new Worker(new URL('./anchors/rawIdbWorker.ts', import.meta.url), { type: 'module', name: 'anchor-raw-idb' })
      : new Worker(new URL('./anchors/dexieWorker.ts', import.meta.url), { type: 'module', name: 'anchor-dexie' })
  return { anchor: wrap<T>(worker), worker }
}

const api = {
  release(): void {
    const resume = held
    held = undefined
    resume?.()
  },

  info() {
    return { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated }
  },

  /** Size of the events, and how well their text alone compresses (gzip level 6). */
  eventStats({ count, seed }: { count: number; seed: number }) {
    const events = makeChatEvents(count, seed)
    const json = events.map((event) => JSON.stringify(event))
    const content = encoder.encode(events.map((event) => event.content).join('\n'))
    return {
      meanDataBytes: json.reduce((sum, text) => sum + encoder.encode(text).byteLength, 0) / count,
      contentGzipRatio: gzipSync(content, { level: 6 }).byteLength / content.byteLength,
      example: json[1],
    }
  },

  /**
   * Main-thread cost per event: `record()` for each event (or nothing, for the empty loop), in
   * slices of `slice` events per task with `setTimeout(0)` between them, as an app would; the
   * batches handed to the worker and the answers handled on the page count too.
   */
  async mainThread({ mode, count, slice, seed, dbName, hold }: { mode: 'recorder' | 'empty'; count: number; slice: number; seed: number; dbName: string; hold?: boolean }) {
    // A pool of distinct events, cycled: the test's own live heap stays small (100,000 events
    // made up front would be ~50 MB the page's garbage collector walks, on the recorder's bill).
    const pool = makeChatEvents(Math.min(count, POOL), seed)
    const started = mode === 'recorder' ? await startRecorder({ dbName }) : undefined
    const recorder = started?.recorder
    const work = recorder
      ? (from: number, to: number) => {
          for (let i = from; i < to; i++) recorder.record(TYPE, pool[i % POOL]!)
        }
      : (from: number, to: number) => {
          for (let i = from; i < to; i++) sink = pool[i % POOL]
        }
    await timeout(50)
    await holdIfAsked(hold)
    const longTasks = watchLongTasks()
    const times = await runSlices(count, slice, work, () => timeout(0), () => started?.recorder.flush() ?? Promise.resolve())
    const during = (await longTasks()).filter((task) => task.startTime + task.duration > times.startedAt && task.startTime < times.endedAt)
    await holdIfAsked(hold)
    if (started) {
      checkDurable(started.recorder, count + 1)
      await closeRecorder(started.recorder, dbName)
    }
    return {
      ...times,
      perEventUs: ((times.sliceMs + times.messageMs) * 1000) / count,
      longTasks: during.length,
      longestLongTaskMs: Math.max(0, ...during.map((task) => task.duration)),
    }
  },

  /**
   * `record()` (`mode: 'record'`) or `JSON.stringify` (`mode: 'stringify'`) of the same payloads,
   * in slices of `slice` per task, in the npm build (this page's own bundle) or the script-tag
   * file (dist/tapedeck.js, loaded by a <script> tag). For the recorder the worker's answers handled
   * on the page count too; it starts (worker up, session stored) before anything is timed. With
   * `hold`, it holds right before and after the burst (bench/run.mjs reads the main thread's CPU time there).
   */
  async recordVsStringify({ build, mode, count, slice, seed, dbName, hold }: { build: 'npm' | 'script'; mode: 'record' | 'stringify'; count: number; slice: number; seed: number; dbName: string; hold?: boolean }) {
    const pool = makeChatEvents(Math.min(count, POOL), seed)
    const recorder = mode === 'stringify' ? undefined : build === 'script' ? (await scriptTag()).init({ dbName, autoCapture: false }) : createRecorder({ dbName })
    if (recorder) {
      await recorder.start({ feature: 'bench' })
      await recorder.flush()
    }
    await timeout(50)
    await holdIfAsked(hold)
    const longTasks = watchLongTasks()
    const times = recorder
      ? await runSlices(count, slice, (from, to) => {
          for (let i = from; i < to; i++) recorder.record(TYPE, pool[i % POOL]!)
        }, nextTask, () => recorder.flush())
      : await runSlices(count, slice, (from, to) => {
          for (let i = from; i < to; i++) sink = JSON.stringify(pool[i % POOL])
        }, nextTask)
    const during = (await longTasks()).filter((task) => task.startTime + task.duration > times.startedAt && task.startTime < times.endedAt)
    await holdIfAsked(hold)
    if (recorder) {
      checkDurable(recorder, count + 1)
      if (build === 'script') await (await scriptTag()).destroy()
      else await recorder.close()
      await deleteDatabase(dbName)
    }
    return {
      perEventUs: ((times.sliceMs + times.messageMs) * 1000) / count,
      longestLongTaskMs: Math.max(0, ...during.map((task) => task.duration)),
      longestSliceMs: times.longestSliceMs,
    }
  },

  /**
   * Durable throughput: from the first `record()` until `flush()` resolves (for the anchors: until
   * the last transaction committed). The page hands out slices of `slice` events, one per task.
   * For the recorder also the stored (gzip) bytes against the NDJSON they hold.
   */
  async durable({ mode, count, slice, seed, dbName, sampleBytes = 0, hold }: { mode: 'recorder' | 'raw-idb' | 'dexie'; count: number; slice: number; seed: number; dbName: string; sampleBytes?: number; hold?: boolean }) {
    const events = makeChatEvents(count, seed)
    if (mode === 'recorder') {
      const { recorder, sessionId } = await startRecorder({ dbName })
      const work = recordSlice(recorder, events)
      await holdIfAsked(hold)
      const started = performance.now()
      for (let from = 0; from < count; from += slice) {
        work(from, Math.min(count, from + slice))
        await nextTask()
      }
      await recorder.flush()
      const flushed = performance.now()
      const ms = flushed - started
      await holdIfAsked(hold)
      checkDurable(recorder, count + 1)
      // Durable now; some chunks may be stored raw (the burst outran compression). Timed from the
      // burst's end until nothing is raw (the compaction figure); the wire figure is taken then:
      // what an upload sends.
      // If it does not settle within its bound, the run still counts for throughput; the figures
      // that need compressed chunks say why they are missing.
      const compaction = await settleCompaction(dbName, sessionId, flushed).catch((error: Error) => ({ error: error.message }))
      const stored = await storedChunks(dbName, sessionId)
      if (stored.events !== count + 1) throw new Error(`expected ${count + 1} stored events, found ${stored.events}`)
      const ndjson = new Uint8Array(await (await recorder.sessions.export(sessionId, 'jsonl')).arrayBuffer())
      if (sampleBytes > 0) {
        sample = ndjson.slice(0, ndjson.lastIndexOf(10, sampleBytes) + 1)
        sampleChunk = { bytes: stored.largest?.slice(), encrypted: stored.encrypted }
        payloadGzipBytes = payloadsGzipped(ndjson, Math.round(stored.events / stored.chunks))
      }
      await closeRecorder(recorder, dbName)
      return { ms, eventsPerSec: (count / ms) * 1000, wireBytes: stored.bytes.byteLength, rawBytes: ndjson.byteLength, chunks: stored.chunks, events: stored.events, compaction, payloadGzipBytes }
    }
    const { anchor, worker } = anchorWorker<RawIdbApi | DexieApi>(mode)
    try {
      await anchor.open(dbName)
      const pending: Promise<void>[] = []
      const started = performance.now()
      for (let from = 0; from < count; from += slice) {
        pending.push(anchor.put(events.slice(from, Math.min(count, from + slice)), from))
        await nextTask()
      }
      await Promise.all(pending)
      const ms = performance.now() - started
      await anchor.close()
      return { ms, eventsPerSec: (count / ms) * 1000 }
    } finally {
      worker.terminate()
      await deleteDatabase(dbName)
    }
  },

  /**
   * Compaction while the app goes on recording: a burst of `count` events (1,000 per task), then
   * one event every `everyMs` (a streamed reply) while the time from the burst's end until no chunk
   * is raw is taken.
   */
  async compactionStreaming({ count, slice, seed, dbName, everyMs }: { count: number; slice: number; seed: number; dbName: string; everyMs: number }) {
    const events = makeChatEvents(count, seed)
    const { recorder, sessionId } = await startRecorder({ dbName })
    const work = recordSlice(recorder, events)
    for (let from = 0; from < count; from += slice) {
      work(from, Math.min(count, from + slice))
      await nextTask()
    }
    await recorder.flush()
    const flushed = performance.now()
    let streamed = 0
    const stream = setInterval(() => recorder.record(TYPE, events[streamed++ % count]!), everyMs)
    try {
      const settled = await settleCompaction(dbName, sessionId, flushed)
      return { ...settled, streamed }
    } finally {
      clearInterval(stream)
      await recorder.flush()
      checkDurable(recorder, count + streamed + 1)
      await closeRecorder(recorder, dbName)
    }
  },

  compression: undefined as { api: Remote<CompressionApi>; worker: Worker } | undefined,

  /**
   * The compaction figure's anchor, right after a durable run: CompressionStream('gzip') in a
   * worker of its own, on the NDJSON kept by the durable run (`sampleBytes`), whole; MB/s.
   */
  async nativeCompressionSpeed(): Promise<number> {
    if (!sample) throw new Error('no NDJSON sample: run a durable recorder run with sampleBytes first')
    const worker = new Worker(new URL('./anchors/compressionWorker.ts', import.meta.url), { type: 'module', name: 'compression' })
    try {
      const remote = wrap<CompressionApi>(worker)
      await remote.setInput(sample.slice())
      const { ms, inBytes } = await remote.compress({ kind: 'native' })
      return inBytes / 1e6 / (ms / 1000)
    } finally {
      worker.terminate()
    }
  },

  /** Hands the NDJSON kept by a durable run (`sampleBytes`) to a compression worker. */
  async compressionSetup(): Promise<number> {
    if (!sample) throw new Error('no NDJSON sample: run a durable recorder run with sampleBytes first')
    const worker = new Worker(new URL('./anchors/compressionWorker.ts', import.meta.url), { type: 'module', name: 'compression' })
    api.compression = { api: wrap<CompressionApi>(worker), worker }
    return api.compression.api.setInput(sample.slice())
  },

  /** Which compression made the stored chunk kept by the durable run (see `identify` in the worker). */
  compressionIdentify() {
    if (!api.compression) throw new Error('compressionSetup() first')
    if (!sampleChunk?.bytes) throw new Error('no stored chunk: run a durable recorder run with sampleBytes first')
    if (sampleChunk.encrypted > 0) throw new Error('the stored chunks are encrypted: the bench records without encryption')
    return api.compression.api.identify(sampleChunk.bytes.slice())
  },

  compress({ method, pieceBytes }: { method: CompressionMethod; pieceBytes?: number }) {
    if (!api.compression) throw new Error('compressionSetup() first')
    return api.compression.api.compress(method, pieceBytes)
  },

  compressionTeardown(): void {
    api.compression?.worker.terminate()
    api.compression = undefined
  },

  /**
   * Sync: `count` events recorded and made durable (not timed), then `syncNow()` to the reference
   * server, timed from call to resolve; and the anchor, one `fetch` POST of the same stored bytes.
   */
  async sync({ count, slice, seed, dbName, endpoint, anchorEndpoint, anchorFirst }: { count: number; slice: number; seed: number; dbName: string; endpoint: string; anchorEndpoint: string; anchorFirst: boolean }) {
    const { recorder, sessionId } = await startRecorder({ dbName, endpoint, sync: 'manual' })
    const next = chatEvents(seed)
    for (let from = 0; from < count; from += slice) {
      const to = Math.min(count, from + slice)
      for (let i = from; i < to; i++) recorder.record(TYPE, next(i))
      await nextTask()
    }
    await recorder.flush()
    checkDurable(recorder, count + 1)
    await settleCompaction(dbName, sessionId)
    const stored = await storedChunks(dbName, sessionId)
    const syncRun = async () => {
      const started = performance.now()
      const status = await recorder.syncNow()
      const ms = performance.now() - started
      if (!status || status.pendingEvents !== 0 || status.error || status.state !== 'idle') {
        throw new Error(`sync did not finish: ${JSON.stringify(status)}`)
      }
      return ms
    }
    const anchorRun = async () => {
      const started = performance.now()
      const response = await fetch(`${anchorEndpoint}/v1/batches`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-ndjson',
          'Content-Encoding': 'gzip',
          'Idempotency-Key': `${sessionId}.0-${count}`,
          'Tapedeck-Session': sessionId,
          'Tapedeck-Seq': `0-${count}`,
        },
        body: stored.bytes as Uint8Array<ArrayBuffer>,
      })
      const text = await response.text()
      const ms = performance.now() - started
      if (response.status !== 201) throw new Error(`the anchor POST got ${response.status}: ${text.slice(0, 300)}`)
      return ms
    }
    let syncMs: number
    let anchorMs: number
    if (anchorFirst) {
      anchorMs = await anchorRun()
      syncMs = await syncRun()
    } else {
      syncMs = await syncRun()
      anchorMs = await anchorRun()
    }
    await closeRecorder(recorder, dbName)
    return { sessionId, bytes: stored.bytes.byteLength, chunks: stored.chunks, events: stored.events, syncMs, anchorMs }
  },

  playerSession: undefined as SessionText | undefined,

  /** The player figure's session: `count` events of NDJSON, kept in the page for the runs that follow. */
  playerSetup({ count, seed }: { count: number; seed: number }) {
    const session = sessionNdjson(count, seed)
    api.playerSession = session
    return { events: session.events, chars: session.text.length, oneByte: !/[^\u0000-\u00ff]/.test(session.text), crossOriginIsolated }
  },

  /**
   * One run on that text. `parse`, the anchor: `JSON.parse` of every line, the objects kept in an
   * array. `player`: `loadRecording(text)` and `new ReplayPlayer(recording)` (which builds the
   * seek index), timed together, then `seeks` seeks to random positions, each timed on its own.
   */
  async playerRun({ mode, seeks, seed }: { mode: 'parse' | 'player'; seeks: number; seed: number }) {
    const session = api.playerSession
    if (!session) throw new Error('playerSetup() first')
    const { text } = session
    if (mode === 'parse') {
      const started = performance.now()
      const events: unknown[] = []
      for (let from = 0, to = text.indexOf('\n'); to !== -1; from = to + 1, to = text.indexOf('\n', from)) {
        if (to > from) events.push(JSON.parse(text.slice(from, to)))
      }
      const ms = performance.now() - started
      if (events.length !== session.events) throw new Error(`JSON.parse read ${events.length} of ${session.events} events`)
      sink = events
      sink = undefined
      return { ms }
    }
    // Loaded only by the player figure, before the clock starts.
    const { loadRecording, ReplayPlayer } = await import('@tapedeck/player')
    const started = performance.now()
    const recording = await loadRecording(text)
    const loaded = performance.now()
    const player = new ReplayPlayer(recording)
    const ms = performance.now() - started
    if (recording.events.length !== session.events || !recording.complete) {
      throw new Error(`the player read ${recording.events.length} of ${session.events} events (complete: ${recording.complete})`)
    }
    if (player.duration < session.durationMs) throw new Error(`the player's duration is ${player.duration} ms, the session's ${session.durationMs} ms`)
    const next = seeded(seed)
    const times: number[] = new Array(seeks)
    let applied = 0
    for (let i = 0; i < seeks; i++) {
      const position = next() * player.duration
      const before = performance.now()
      applied += player.seek(position).applied
      times[i] = performance.now() - before
    }
    if (applied === 0) throw new Error('no seek applied any event')
    player.dispose()
    times.sort((a, b) => a - b)
    const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!
    return { ms, loadMs: loaded - started, indexMs: ms - (loaded - started), seekP50: at(0.5), seekP95: at(0.95), seekMax: times[times.length - 1]!, crossOriginIsolated }
  },

  playerTeardown(): void {
    api.playerSession = undefined
  },

  /** The evaluation figure (evalBench.ts): `sessions` recordings of `events` events each. */
  evalSetup,
  /** `load`: loadRecording of every session (the anchor); `evaluate`: the built-in checks over them, once loaded. */
  evalRun,
  evalTeardown,
  /** The capture figure (captureBench.ts): an intercepted console / fetch call against the plain one. */
  captureSetup,
  captureRun,
  captureTeardown,

  memoryRecorder: undefined as { recorder: Recorder; next: (i: number) => ChatMessage; recorded: number; dbName: string } | undefined,

  /** A recorder, started and warmed up (code compiled, worker running) before the heap is measured. */
  async memorySetup({ seed, dbName, warmup, slice }: { seed: number; dbName: string; warmup: number; slice: number }) {
    const { recorder } = await startRecorder({ dbName })
    api.memoryRecorder = { recorder, next: chatEvents(seed), recorded: 0, dbName }
    await api.memoryBurst({ count: warmup, slice })
  },

  /** Records `count` events made on the fly, `slice` per task with `setTimeout(0)` between, then flushes. */
  async memoryBurst({ count, slice }: { count: number; slice: number }) {
    const state = api.memoryRecorder
    if (!state) throw new Error('memorySetup() first')
    const started = performance.now()
    for (let from = 0; from < count; from += slice) {
      const to = Math.min(count, from + slice)
      for (let i = from; i < to; i++) state.recorder.record(TYPE, state.next(state.recorded + i))
      if (to < count) await timeout(0)
    }
    state.recorded += count
    await state.recorder.flush()
    checkDurable(state.recorder, state.recorded + 1)
    return { ms: performance.now() - started }
  },

  async memoryTeardown() {
    const state = api.memoryRecorder
    api.memoryRecorder = undefined
    if (state) await closeRecorder(state.recorder, state.dbName)
  },
}

export type BenchApi = typeof api

declare global {
  interface Window {
    bench: BenchApi
  }
}

window.bench = api
void sink
document.body.dataset.ready = 'true'

/**
 * The events' payloads (`data`, as stored) without any envelope, one JSON text a line, gzip at
 * level 9 in groups of `perChunk` events as the recorder's chunks hold them: the bytes an upload
 * of these events could not go below with gzip, whatever the envelope.
 */
function payloadsGzipped(ndjson: Uint8Array, perChunk: number): number {
  const lines = new TextDecoder().decode(ndjson).split('\n').filter((line) => line !== '')
  let bytes = 0
  for (let i = 0; i < lines.length; i += perChunk) {
    const payloads = lines.slice(i, i + perChunk).map((line) => JSON.stringify((JSON.parse(line) as { data: unknown }).data))
    bytes += gzipSync(encoder.encode(payloads.join('\n') + '\n'), { level: 9 }).byteLength
  }
  return bytes
}

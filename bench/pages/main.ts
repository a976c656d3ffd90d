/**
 * The bench page: every figure's browser side, exposed as `window.bench` for `bench/run.mjs`.
 * Built for production from the package sources; the recorder's worker is its own file.
 */
import { gzipSync } from 'fflate'
import { makeChatEvents } from './chatEvents'
import { evalRun, evalSetup, evalTeardown } from './evalBench'
import { captureRun, captureSetup, captureTeardown } from './captureBench'
import { meterWorkerMessages } from './meter'
import { release } from './benchRecorder'
import { mainThread, recordVsStringify } from './mainThreadBench'
import { compactionStreaming, durable } from './durableBench'
import { compress, compressionIdentify, compressionSetup, compressionTeardown, nativeCompressionSpeed } from './compressionBench'
import { sync } from './syncBench'
import { playerRun, playerSetup, playerTeardown } from './playerBench'
import { memoryBurst, memorySetup, memoryTeardown } from './memoryBench'

// Before any worker exists: every worker's messages are timed on the main thread.
meterWorkerMessages()

const encoder = new TextEncoder()

const api = {
  /** A figure held with `hold: true` goes on (benchRecorder.ts). */
  release,

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

  /** Main-thread cost per event, and `record()` against `JSON.stringify` (mainThreadBench.ts). */
  mainThread,
  recordVsStringify,
  /** Durable throughput and bytes against the anchors, and compaction while recording (durableBench.ts). */
  durable,
  compactionStreaming,
  /** Compression of what a durable run kept (compressionBench.ts). */
  nativeCompressionSpeed,
  compressionSetup,
  compressionIdentify,
  compress,
  compressionTeardown,
  /** `syncNow()` against one POST of the same bytes (syncBench.ts). */
  sync,
  /** Loading, indexing and seeking in the player against `JSON.parse` (playerBench.ts). */
  playerSetup,
  playerRun,
  playerTeardown,

  /** The evaluation figure (evalBench.ts): `sessions` recordings of `events` events each. */
  evalSetup,
  /** `load`: loadRecording of every session (the anchor); `evaluate`: the built-in checks over them, once loaded. */
  evalRun,
  evalTeardown,
  /** The capture figure (captureBench.ts): an intercepted console / fetch call against the plain one. */
  captureSetup,
  captureRun,
  captureTeardown,

  /** The heap while recording (memoryBench.ts). */
  memorySetup,
  memoryBurst,
  memoryTeardown,
}

export type BenchApi = typeof api

declare global {
  interface Window {
    bench: BenchApi
  }
}

window.bench = api
document.body.dataset.ready = 'true'

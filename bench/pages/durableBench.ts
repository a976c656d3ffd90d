/**
 * The durable figures' browser side: throughput from the first `record()` until `flush()` resolves,
 * against raw IndexedDB and Dexie in workers of their own, the bytes stored against the NDJSON
 * they hold, and compaction while the app goes on recording. A run with `sampleBytes` keeps its
 * NDJSON and a stored chunk for the compression figure (compressionBench.ts).
 */
import { wrap, type Remote } from 'comlink'
import { gzipSync } from 'fflate'
import type { DexieApi } from './anchors/dexieWorker'
import type { RawIdbApi } from './anchors/rawIdbWorker'
import { makeChatEvents } from './chatEvents'
import { deleteDatabase, settleCompaction, storedChunks } from './database'
import { nextTask } from './meter'
import { checkDurable, closeRecorder, holdIfAsked, recordSlice, startRecorder, TYPE } from './benchRecorder'

const encoder = new TextEncoder()

/**
 * What the recorder stored, for the compression figure: the start of the NDJSON of a durable run,
 * and one of its chunks as stored (the recorder's compression is told from it).
 */
let sample: Uint8Array | undefined
let sampleChunk: { bytes: Uint8Array | undefined; encrypted: number } | undefined
/** The recorded payloads alone, gzip -9 chunk by chunk: what the wire cannot go below. */
let payloadGzipBytes: number | undefined

/** What the last durable run with `sampleBytes` kept: its NDJSON's start, and one of its chunks as stored. */
export function durableSample(): { ndjson: Uint8Array | undefined; chunk: typeof sampleChunk } {
  return { ndjson: sample, chunk: sampleChunk }
}

function anchorWorker<T>(kind: 'raw-idb' | 'dexie'): { anchor: Remote<T>; worker: Worker } {
  const worker =
    kind === 'raw-idb'
      ? new Worker(new URL('./anchors/rawIdbWorker.ts', import.meta.url), { type: 'module', name: 'anchor-raw-idb' })
      : new Worker(new URL('./anchors/dexieWorker.ts', import.meta.url), { type: 'module', name: 'anchor-dexie' })
  return { anchor: wrap<T>(worker), worker }
}

/**
 * Durable throughput: from the first `record()` until `flush()` resolves (for the anchors: until
 * the last transaction committed). The page hands out slices of `slice` events, one per task.
 * For the recorder also the stored (gzip) bytes against the NDJSON they hold.
 */
export async function durable({ mode, count, slice, seed, dbName, sampleBytes = 0, hold }: { mode: 'recorder' | 'raw-idb' | 'dexie'; count: number; slice: number; seed: number; dbName: string; sampleBytes?: number; hold?: boolean }) {
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
}

/**
 * Compaction while the app goes on recording: a burst of `count` events (1,000 per task), then
 * one event every `everyMs` (a streamed reply) while the time from the burst's end until no chunk
 * is raw is taken.
 */
export async function compactionStreaming({ count, slice, seed, dbName, everyMs }: { count: number; slice: number; seed: number; dbName: string; everyMs: number }) {
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
}

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

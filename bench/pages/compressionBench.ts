/**
 * The compression figures' browser side, on what a durable run kept (durableBench.ts,
 * `sampleBytes`): CompressionStream('gzip') and the other methods in a worker of their own, and
 * which compression made the recorder's stored chunk.
 */
import { wrap, type Remote } from 'comlink'
import type { CompressionApi, CompressionMethod } from './anchors/compressionWorker'
import { durableSample } from './durableBench'

let compression: { api: Remote<CompressionApi>; worker: Worker } | undefined

/**
 * The compaction figure's anchor, right after a durable run: CompressionStream('gzip') in a
 * worker of its own, on the NDJSON kept by the durable run (`sampleBytes`), whole; MB/s.
 */
export async function nativeCompressionSpeed(): Promise<number> {
  const sample = durableSample().ndjson
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
}

/** Hands the NDJSON kept by a durable run (`sampleBytes`) to a compression worker. */
export async function compressionSetup(): Promise<number> {
  const sample = durableSample().ndjson
  if (!sample) throw new Error('no NDJSON sample: run a durable recorder run with sampleBytes first')
  const worker = new Worker(new URL('./anchors/compressionWorker.ts', import.meta.url), { type: 'module', name: 'compression' })
  compression = { api: wrap<CompressionApi>(worker), worker }
  return compression.api.setInput(sample.slice())
}

/** Which compression made the stored chunk kept by the durable run (see `identify` in the worker). */
export function compressionIdentify() {
  if (!compression) throw new Error('compressionSetup() first')
  const sampleChunk = durableSample().chunk
  if (!sampleChunk?.bytes) throw new Error('no stored chunk: run a durable recorder run with sampleBytes first')
  if (sampleChunk.encrypted > 0) throw new Error('the stored chunks are encrypted: the bench records without encryption')
  return compression.api.identify(sampleChunk.bytes.slice())
}

export function compress({ method, pieceBytes }: { method: CompressionMethod; pieceBytes?: number }) {
  if (!compression) throw new Error('compressionSetup() first')
  return compression.api.compress(method, pieceBytes)
}

export function compressionTeardown(): void {
  compression?.worker.terminate()
  compression = undefined
}

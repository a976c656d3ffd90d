import type { IngestBatch } from '../storage/applyBatch'

/**
 * A batch as it crosses from the page to the worker: a few strings and two number arrays
 * instead of hundreds of small objects, so the structured clone `postMessage` makes on the page
 * is nearly a copy of memory. Types and payloads are one per line: JSON text never holds a raw
 * newline, and neither does an event type.
 */
export interface PackedBatch {
  sessionId: string
  tab: string
  /** Names the batch, so a copy saved by a closing page is never stored twice. */
  batchId: string
  types: string
  data: string
  /** Wall clock, epoch ms, per event. */
  ts: Float64Array
  /** High-resolution epoch ms from the page's monotonic clock, per event. */
  at: Float64Array
  /** Indices of the events marked as checkpoints. */
  checkpoints: number[]
}

/** Collects events on the page, column by column, until they go out as one `PackedBatch`. */
export class BatchBuilder {
  private types: string[] = []
  private data: string[] = []
  private ts: number[] = []
  private at: number[] = []
  private checkpoints: number[] = []

  get length(): number {
    return this.types.length
  }

  push(type: string, data: string, ts: number, at: number, checkpoint = false): void {
    if (checkpoint) this.checkpoints.push(this.types.length)
    this.types.push(type)
    this.data.push(data)
    this.ts.push(ts)
    this.at.push(at)
  }

  /** The batch so far, and an empty builder for what comes next. */
  take(sessionId: string, tab: string, batchId: string): PackedBatch {
    const batch: PackedBatch = {
      sessionId,
      tab,
      batchId,
      types: this.types.join('\n'),
      data: this.data.join('\n'),
      ts: Float64Array.from(this.ts),
      at: Float64Array.from(this.at),
      checkpoints: this.checkpoints,
    }
    this.types = []
    this.data = []
    this.ts = []
    this.at = []
    this.checkpoints = []
    return batch
  }
}

export function unpackBatch(batch: PackedBatch): IngestBatch {
  const types = batch.types.split('\n')
  const data = batch.data.split('\n')
  if (types.length !== data.length || types.length !== batch.ts.length || types.length !== batch.at.length) {
    throw new Error(`Malformed batch ${batch.batchId}: ${types.length} types, ${data.length} payloads`)
  }
  const checkpoints = new Set(batch.checkpoints)
  return {
    sessionId: batch.sessionId,
    tab: batch.tab,
    batchId: batch.batchId,
    events: types.map((type, i) => ({
      type,
      data: data[i]!,
      ts: batch.ts[i]!,
      at: batch.at[i]!,
      ...(checkpoints.has(i) && { checkpoint: true as const }),
    })),
  }
}

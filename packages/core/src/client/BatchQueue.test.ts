import { describe, expect, test, vi } from 'vitest'
import type { PackedBatch } from '../events/PackedBatch'
import type { IngestResult } from '../engine/protocol'
import { BatchQueue } from './BatchQueue'
import type { KeepaliveTail } from './keepaliveTail'
import type { Settings } from './resolveOptions'

/** A queue whose engine stores every batch at once and leases the page seqs from 1 (a first block of 2^20). */
function queueWithEngine() {
  const ingested: PackedBatch[] = []
  const queue = new BatchQueue({
    settings: { maxBatchEvents: 256, flushIntervalMs: 50 } as Settings,
    clock: { now: () => performance.now(), wallNow: () => Date.now() },
    counts: { accepted: 0, durable: 0, dropped: 0, rejected: 0 },
    tab: 't_A',
    ingest: async (batch): Promise<IngestResult> => {
      ingested.push(batch)
      const count = batch.ts.length
      const firstSeq = batch.stamp?.firstSeq ?? 0
      return {
        sessionId: batch.sessionId,
        stored: count,
        dropped: 0,
        firstSeq,
        lastSeq: firstSeq + count - 1,
        startedAt: 1_000,
        status: 'active',
        created: batch.lease !== undefined,
        resumed: false,
        storage: 'indexeddb',
        ...(batch.lease !== undefined && { lease: { from: 1, to: 1 << 20, startedAt: 1_000, lastT: 0 } }),
      }
    },
    lease: async () => undefined,
    closeLease: async () => undefined,
    closed: () => false,
    report: () => undefined,
    stored: () => undefined,
    changed: () => undefined,
  })
  return { queue, ingested }
}

/** A page-hide send that records what it was handed. */
function keepaliveSpy() {
  const send = vi.fn<(batches: readonly PackedBatch[]) => void>()
  const keepalive: KeepaliveTail = { send, warm: () => undefined }
  return { keepalive, handed: () => send.mock.calls.at(-1)?.[0] ?? [] }
}

/** Opens session `s_1` (its first block of seqs comes with the answer), then records `batches` batches of 256 events of `payload`. */
async function record(queue: BatchQueue, batches: number, payload: string): Promise<void> {
  queue.push('s_1', 'session.started', '{}')
  await queue.flush()
  for (let i = 0; i < batches * 256; i++) queue.push('s_1', 'message.created', payload)
  await queue.flush()
}

describe('BatchQueue: what it keeps for the page-hide send', () => {
  test('the stamped batches the server may not hold yet, up to 8,192 events, newest kept', async () => {
    const { queue, ingested } = queueWithEngine()
    const { keepalive, handed } = keepaliveSpy()
    queue.useKeepalive(keepalive)
    await record(queue, 40, '{"text":"a short token"}')
    queue.hide()

    const sent = handed()
    expect(sent).toHaveLength(32)
    expect(sent.every((batch) => batch.stamp !== undefined)).toBe(true)
    // The newest 32 of the 40 stamped batches, in order (the opening batch is not stamped).
    expect(sent.map((batch) => batch.batchId)).toEqual(ingested.slice(-32).map((batch) => batch.batchId))
    expect(sent.at(-1)!.stamp!.firstSeq).toBe(1 + 39 * 256)
  })

  test('the batches the server holds are let go (the sync status `acked`); one it holds only in part is kept', async () => {
    // Batches of seqs 1–256, 257–512 and 513–768: acked 511 holds the first alone, 512 the first two.
    for (const [acked, kept] of [[2 * 256 - 1, 2], [2 * 256, 1]] as const) {
      const { queue, ingested } = queueWithEngine()
      const { keepalive, handed } = keepaliveSpy()
      queue.useKeepalive(keepalive)
      await record(queue, 3, '{"text":"a short token"}')
      queue.synced({ s_1: acked })
      queue.hide()

      expect(handed().map((batch) => batch.batchId)).toEqual(ingested.slice(-kept).map((batch) => batch.batchId))
    }
  })
})

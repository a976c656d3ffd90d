import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMemoryStore } from '../storage/memoryStore'
import type { RecordStore } from '../storage/RecordStore'
import { emptyCounters, type SessionRecord, type StoredChunk } from '../storage/schema'
import { SyncEngine, type SyncConfig } from './SyncEngine'
import type { SyncBatch } from './Transport'

afterEach(() => {
  vi.useRealTimers()
})

const config: SyncConfig = {
  headers: {},
  maxBatchBytes: 512 * 1024,
  mode: 'auto',
  backoff: { baseMs: 1000, capMs: 300_000 },
  delayMs: 250,
  intervalMs: 30_000,
  requestTimeoutMs: 30_000,
  scope: 'test',
  shared: false,
}

const session: SessionRecord = { id: 's_1', status: 'active', startedAt: 0, updatedAt: 0, metadata: {}, lastSeq: 0, lastT: 0, counters: emptyCounters() }
const chunk: StoredChunk = { sessionId: 's_1', firstSeq: 0, lastSeq: 0, count: 1, size: 4, bytes: new ArrayBuffer(4), rawBytes: 4, createdAt: 0, state: 'pending', attempts: 0 }

describe('sync timing', () => {
  test('data stored while a pass reads an empty outbox is uploaded after the short delay, not the 30 s interval', async () => {
    vi.useFakeTimers()
    const memory = createMemoryStore()
    const sent: SyncBatch[] = []
    let engine: SyncEngine | undefined
    let raced = false
    // The first pass that finds nothing: a batch commits right after it looked.
    const store: RecordStore = {
      ...memory,
      nextOutbox: async (maxBytes, maxChunks) => {
        const found = await memory.nextOutbox(maxBytes, maxChunks)
        if (found.length === 0 && !raced) {
          raced = true
          await memory.append('s_1', () => ({ session, chunk, created: true, resumed: false }))
          engine!.added(1, 4)
        }
        return found
      },
    }
    engine = new SyncEngine(() => store, config, async (batch) => (sent.push(batch), { status: 201 }), () => {})
    await engine.start() // leads at once (not shared) and runs a first pass
    await vi.advanceTimersByTimeAsync(0)
    expect(raced).toBe(true)
    expect(sent).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(config.delayMs + 50)
    expect(sent.map((batch) => [batch.firstSeq, batch.lastSeq])).toEqual([[0, 0]])
    engine.stop()
  })
})

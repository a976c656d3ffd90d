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
          await memory.appendMany([{ sessionId: 's_1', apply: () => ({ session, chunk, created: true, resumed: false }) }])
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

  test('a steady stream (a batch every 50 ms) is uploaded as it goes: new data never puts a pending upload off', async () => {
    // 20 events/s, as the page hands them over: one batch per 50 ms, each stored and announced.
    // Each second, every event stored more than 2 s ago must be on the server (issue 20).
    vi.useFakeTimers()
    const store = createMemoryStore()
    const onServer = new Set<number>()
    let requests = 0
    const upload = async (batch: SyncBatch) => {
      requests++
      for (let seq = batch.firstSeq; seq <= batch.lastSeq; seq++) onServer.add(seq)
      return { status: 201 }
    }
    const engine = new SyncEngine(() => store, config, upload, () => {})
    await engine.start()
    const storedAt: number[] = []
    for (let seq = 0; seq < 200; seq++) {
      await vi.advanceTimersByTimeAsync(50)
      const stored: StoredChunk = { ...chunk, firstSeq: seq, lastSeq: seq, createdAt: Date.now(), state: 'pending', attempts: 0 }
      await store.appendMany([{ sessionId: 's_1', apply: (current) => ({ session: { ...(current ?? session), lastSeq: seq }, chunk: stored, created: seq === 0, resumed: false }) }])
      storedAt[seq] = Date.now()
      engine.added(1, 4)
      if (seq % 20 === 19) {
        const due = storedAt.flatMap((at, old) => (Date.now() - at > 2000 ? [old] : []))
        expect(due.filter((old) => !onServer.has(old)), `at ${(seq + 1) * 50} ms`).toEqual([])
      }
    }
    // Ten seconds, 200 events: all but the last ~2 s are there, in batches (one per delayMs at most).
    expect(onServer.size).toBeGreaterThanOrEqual(160)
    expect(requests).toBeLessThanOrEqual(10_000 / config.delayMs + 1)
    engine.stop()
  })
})

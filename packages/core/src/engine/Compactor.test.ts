/**
 * The compactor's scheduling, around a store and codec that only count (what they store is tested
 * in real IndexedDB in compaction.browser.test.ts).
 */
import { describe, expect, test } from 'vitest'
import type { ChunkCodec } from '../storage/ChunkCodec'
import type { RecordStore } from '../storage/RecordStore'
import { Compactor, type RawChunk } from './Compactor'

describe('Compactor', () => {
  test('a slow chunk holds up no other: the next ones start as each one is done', async () => {
    let release!: () => void
    const slow = new Promise<void>((resolve) => (release = resolve))
    const compacted: number[] = []
    const codec = {
      async seal(raw: Uint8Array) {
        if (raw[0] === 0) await slow
        return raw
      },
    } as unknown as ChunkCodec
    const store = {
      async compactChunk(_sessionId: string, firstSeq: number) {
        compacted.push(firstSeq)
        return 1
      },
    } as unknown as RecordStore
    let freed = 0
    // Its own turns never come (the engine's queue is held): only compactAll() runs.
    const compactor = new Compactor({ store: () => store, codec: () => codec, serial: () => new Promise(() => {}), busy: () => false, freed: (bytes) => (freed += bytes), drained: async () => undefined })
    compactor.add(Array.from({ length: 12 }, (_, i): RawChunk => ['s', i, new Uint8Array([i])]))
    const all = compactor.compactAll()
    await expect.poll(() => compacted.length).toBe(11)
    expect(compacted).not.toContain(0)
    release()
    expect(await all).toBe(12)
    expect(freed).toBe(12)
    expect(compacted.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i))
    compactor.stop()
  })
})

/** Helpers for tests that run in a real browser. */
import { gunzipSync } from 'fflate'
import { openDB } from 'idb'
import { createRecorder } from '../src/client/createRecorder'
import type { Recorder, RecorderOptions } from '../src/client/types'
import type { TapedeckDB } from '../src/storage/schema'

const open: Recorder[] = []

export function uniqueDb(): string {
  return `test-${crypto.randomUUID()}`
}

/** A recorder on a database of its own, closed after the test by `closeAll`. */
export function recorderFor(dbName: string, options: RecorderOptions = {}): Recorder {
  const recorder = createRecorder({ dbName, ...options })
  open.push(recorder)
  return recorder
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((recorder) => recorder.close().catch(() => undefined)))
}

/** A chunk's stored bytes as text: a gzip member decompressed, a chunk stored raw (not compressed yet) as it is. */
export function chunkText(bytes: ArrayBuffer): string {
  const data = new Uint8Array(bytes)
  return new TextDecoder().decode(data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data)
}

/** Everything stored in the chunks store, decompressed, read around the recorder. */
export async function rawStoredText(dbName: string): Promise<string> {
  const db = await openDB<TapedeckDB>(dbName)
  const data: ArrayBuffer[] = await db.getAll('chunkData')
  const sessions = await db.getAll('sessions')
  db.close()
  return data.map(chunkText).join('') + JSON.stringify(sessions)
}

/** Whether a database of that name exists (the recorder opens none for a session it does not store). */
export async function databaseExists(name: string): Promise<boolean> {
  return (await indexedDB.databases()).some((db) => db.name === name)
}

/** How many chunks and blobs a database holds, read around the recorder. */
export async function chunkCount(dbName: string): Promise<{ chunks: number; blobs: number }> {
  const db = await openDB<TapedeckDB>(dbName)
  const counts = { chunks: await db.count('chunks'), blobs: await db.count('blobs') }
  db.close()
  return counts
}

/** The recorder's worker, started as a page starts it, for tests that hold its messages or terminate it. */
export const engineWorker = () => new Worker(new URL('../src/engine/worker.ts', import.meta.url), { type: 'module' })

export async function waitFor<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (performance.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * The seqs a session's events leave open, as `[from, to]` ranges: each must be explained by a
 * `seq.skipped` marker or still be leased to a live tab (docs/protocol.md §1). Throws when a seq
 * is held twice or out of order.
 */
export function openSeqs(events: Array<{ seq: number; type: string; data: unknown }>, leases: Array<{ next: number; to: number }> = []): Array<[number, number]> {
  const open: Array<[number, number]> = []
  let expected = 0
  for (const event of events) {
    if (event.seq < expected) throw new Error(`seq ${event.seq} held twice or out of order`)
    if (event.seq > expected) open.push([expected, event.seq - 1])
    expected = event.seq + 1
  }
  const explained = events.flatMap((event) => (event.type === 'seq.skipped' ? [event.data as { from: number; to: number }] : [])).concat(leases.map((lease) => ({ from: lease.next, to: lease.to })))
  return open.filter(([from, to]) => !explained.some((range) => range.from <= from && to <= range.to))
}

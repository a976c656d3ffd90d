import { openDB, type IDBPDatabase } from 'idb'

/** Deletes a database; resolves once it is gone (or at the latest after 10 s, if a connection stays open). */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`database ${name} could not be deleted within 10 s (blocked)`)), 10_000)
    const request = indexedDB.deleteDatabase(name)
    request.onsuccess = () => {
      clearTimeout(timer)
      resolve()
    }
    request.onerror = () => {
      clearTimeout(timer)
      reject(request.error ?? new Error(`database ${name} could not be deleted`))
    }
  })
}

/**
 * The stored chunks of a session, read around the recorder: what sync sends, byte for byte. Also
 * the largest chunk on its own (the recorder's compression is told from it), and how
 * many chunks are encrypted at rest.
 */
export async function storedChunks(
  dbName: string,
  sessionId: string,
): Promise<{ chunks: number; bytes: Uint8Array; events: number; largest: Uint8Array | undefined; encrypted: number; raw: number }> {
  const db = await openDB(dbName)
  try {
    const range = IDBKeyRange.bound([sessionId, -Infinity], [sessionId, Infinity])
    const tx = db.transaction(['chunks', 'chunkData'])
    const [records, data] = await Promise.all([tx.objectStore('chunks').getAll(range), tx.objectStore('chunkData').getAll(range)])
    const parts = data.map((buffer) => new Uint8Array(buffer as ArrayBuffer))
    const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0))
    let offset = 0
    for (const part of parts) {
      bytes.set(part, offset)
      offset += part.byteLength
    }
    const events = records.reduce((sum, record) => sum + (record as { count: number }).count, 0)
    const encrypted = records.filter((record) => (record as { encrypted?: boolean }).encrypted === true).length
    // Chunks stored raw under load, not compressed yet (the recorder compresses them when idle).
    const raw = records.filter((record) => (record as { raw?: true }).raw === true).length
    return { chunks: records.length, bytes, events, largest: parts.reduce<Uint8Array | undefined>((a, b) => (a && a.byteLength >= b.byteLength ? a : b), undefined), encrypted, raw }
  } finally {
    db.close()
  }
}

/** The chunks of a session stored raw (not compressed yet), from their records alone: cheap to poll. */
async function rawChunks(db: IDBPDatabase, sessionId: string): Promise<{ chunks: number; raw: number; rawBytes: number }> {
  const records = (await db.getAll('chunks', IDBKeyRange.bound([sessionId, -Infinity], [sessionId, Infinity]))) as Array<{ raw?: true; size: number }>
  const raw = records.filter((record) => record.raw === true)
  return { chunks: records.length, raw: raw.length, rawBytes: raw.reduce((sum, record) => sum + record.size, 0) }
}

/**
 * Waits until the recorder has compressed every chunk it stored raw, polling the chunks' records
 * (not their bytes) every 20 ms on one connection. The bound scales with the work: 1 s per MB
 * stored raw (far below any machine's gzip) plus 5 s. Returns how long it waited since `since`
 * (the burst's end) and what was raw when it began; throws, saying why, past the bound.
 */
export async function settleCompaction(dbName: string, sessionId: string, since = performance.now()): Promise<{ waitedMs: number; boundMs: number; rawChunks: number; rawBytes: number }> {
  const db = await openDB(dbName)
  try {
    const first = await rawChunks(db, sessionId)
    const boundMs = 5000 + first.rawBytes / 1000
    for (;;) {
      const state = await rawChunks(db, sessionId)
      const waitedMs = performance.now() - since
      if (state.raw === 0) return { waitedMs, boundMs, rawChunks: first.raw, rawBytes: first.rawBytes }
      if (waitedMs > boundMs) {
        throw new Error(`${state.raw} of ${state.chunks} chunks still raw ${Math.round(waitedMs)} ms after ${first.raw} (${(first.rawBytes / 1e6).toFixed(1)} MB) were (bound: 5 s + 1 s/MB)`)
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  } finally {
    db.close()
  }
}

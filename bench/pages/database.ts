import { openDB } from 'idb'

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

/**
 * The stored chunks once the recorder has compressed those it stored raw under load: what an
 * upload sends. Waits at most `timeoutMs`.
 */
export async function compactedChunks(dbName: string, sessionId: string, timeoutMs = 60_000): ReturnType<typeof storedChunks> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const stored = await storedChunks(dbName, sessionId)
    if (stored.raw === 0) return stored
    if (performance.now() > deadline) throw new Error(`${stored.raw} of ${stored.chunks} chunks still raw after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

import type { IngestBatch } from '../storage/applyBatch'

/**
 * The page's own connection to the database, used once: when the page is hidden or closing, it
 * saves the batches its worker has not confirmed yet, in one transaction the browser finishes
 * even if the page and its worker are gone a moment later. The next recorder stores them,
 * unless the worker did first (batch ids tell).
 */
export interface TailWriter {
  save(batches: IngestBatch[]): void
  close(): void
}

export function openTailWriter(dbName: string): TailWriter {
  let db: IDBDatabase | undefined
  try {
    const request = indexedDB.open(dbName)
    request.onsuccess = () => {
      db = request.result
      // A newer version wants to upgrade: step aside.
      db.onversionchange = () => {
        db?.close()
        db = undefined
      }
    }
  } catch {
    // No IndexedDB here: the recorder already said so; nothing to save into.
  }
  return {
    save(batches) {
      if (!db || batches.length === 0 || !db.objectStoreNames.contains('tail')) return
      try {
        const tx = db.transaction('tail', 'readwrite', { durability: 'strict' })
        const store = tx.objectStore('tail')
        for (const batch of batches) store.put({ ...batch })
        tx.commit?.()
      } catch {
        // The page is going away; there is nobody left to tell.
      }
    },
    close() {
      db?.close()
      db = undefined
    },
  }
}

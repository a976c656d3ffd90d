import type { PackedBatch } from '../events/PackedBatch'

/**
 * The page's own connection to the database, used once: when the page is hidden or closing, it
 * saves the batches its worker has not confirmed yet, in one transaction the browser finishes
 * even if the page and its worker are gone a moment later. The next recorder stores them,
 * unless the worker did first (batch ids tell).
 */
export interface TailWriter {
  save(batches: PackedBatch[]): void
  /** The worker stored this batch: its saved copy, if any, is not needed any more. */
  confirm(batchId: string): void
  close(): void
}

export function openTailWriter(dbName: string): TailWriter {
  let db: IDBDatabase | undefined
  /** Keys of the copies saved so far, by batch id (undefined while the save is under way). */
  const saved = new Map<string, IDBValidKey | undefined>()
  /** Confirmed while their save was under way: deleted as soon as it lands. */
  const confirmedEarly = new Set<string>()
  const remove = (key: IDBValidKey) => {
    try {
      db?.transaction('tail', 'readwrite').objectStore('tail').delete(key)
    } catch {
      // Left for the next start, which skips a batch already stored.
    }
  }
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
        for (const batch of batches) {
          const batchId = batch.batchId
          if (saved.has(batchId)) continue
          saved.set(batchId, undefined)
          const request = store.put({ ...batch })
          request.onsuccess = () => {
            if (confirmedEarly.delete(batchId)) {
              saved.delete(batchId)
              remove(request.result)
            } else saved.set(batchId, request.result)
          }
        }
        tx.commit?.()
      } catch {
        // The page is going away; there is nobody left to tell.
      }
    },
    confirm(batchId) {
      if (!saved.has(batchId)) return
      const key = saved.get(batchId)
      if (key === undefined) return void confirmedEarly.add(batchId)
      saved.delete(batchId)
      remove(key)
    },
    close() {
      db?.close()
      db = undefined
    },
  }
}

import type { PackedBatch } from '../events/PackedBatch'
import { jsonRedactors, type JsonRedactor } from '../engine/jsonRedactor'
import type { RedactOptions } from '../redact'

/**
 * The page's own connection to the database, used once: when the page is hidden or closing, it
 * saves the batches its worker has not confirmed yet, in one transaction the browser finishes
 * even if the page and its worker are gone a moment later. The next recorder stores them,
 * unless the worker did first (batch ids tell).
 *
 * The copy is redacted first, with the worker's rules: nothing reaches the disk before redaction,
 * not even for the moment until the worker confirms. (This module loads beside the worker, and
 * the recorder is ready once it is open: the rules do not weigh on the page's first load.)
 */
export interface TailWriter {
  save(batches: PackedBatch[]): void
  /**
   * The batch was stamped (see SeqLeaser) after its copy was saved: the copy is saved again under
   * the same key, stamped. An unstamped copy would be stored under new seqs at the next start,
   * and the page may have sent the stamped events already: the server would hold them twice.
   */
  stamped(batch: PackedBatch): void
  /** Whether the saved copy of this batch, if any, names its events as the batch does now (its stamped re-save, if any, committed). */
  current(batch: PackedBatch): boolean
  /** The worker stored this batch: its saved copy, if any, is not needed any more. */
  confirm(batchId: string): void
  close(): void
}

/** Resolves once its database connection is open (or could not be: then it saves nothing). */
export async function openTailWriter(dbName: string, rules: RedactOptions | undefined, capture: () => 'full' | 'metadata'): Promise<TailWriter> {
  let db: IDBDatabase | undefined
  const redactorFor = jsonRedactors(rules)
  // Made now, not when the page is going away (and a rule that cannot work fails here, quietly).
  try {
    redactorFor(capture())
  } catch {
    // save() tries again and, failing, saves nothing.
  }
  /** Keys of the copies saved so far, by batch id (undefined while the save is under way). */
  const saved = new Map<string, IDBValidKey | undefined>()
  /** Confirmed while their save was under way: deleted as soon as it lands. */
  const confirmedEarly = new Set<string>()
  /** Batches saved before they were stamped: their copy is saved again once they are (`stamped`). */
  const unstamped = new Map<string, PackedBatch>()
  const remove = (key: IDBValidKey) => {
    try {
      db?.transaction('tail', 'readwrite').objectStore('tail').delete(key)
    } catch {
      // Left for the next start, which skips a batch already stored.
    }
  }
  await new Promise<void>((resolve) => {
    try {
      const request = indexedDB.open(dbName)
      request.onsuccess = () => {
        db = request.result
        // A newer version wants to upgrade: step aside.
        db.onversionchange = () => {
          db?.close()
          db = undefined
        }
        resolve()
      }
      request.onerror = () => resolve()
    } catch {
      // No IndexedDB here: the recorder already said so; nothing to save into.
      resolve()
    }
  })
  /** Saves the stamped copy of a batch whose unstamped copy is under `key`. */
  const saveStamped = (batch: PackedBatch, key: IDBValidKey) => {
    try {
      const tx = db!.transaction('tail', 'readwrite', { durability: 'strict' })
      tx.objectStore('tail').put(redacted(batch, redactorFor(capture())), key)
      // Only once it is on disk: a save still under way when the page goes is lost with it, and
      // the unstamped copy left behind is stored under new seqs at the next start.
      tx.oncomplete = () => unstamped.delete(batch.batchId)
      tx.commit?.()
    } catch {
      // Kept unstamped: `current` says so, and the page does not send the batch itself.
    }
  }
  return {
    save(batches) {
      if (!db || batches.length === 0 || !db.objectStoreNames.contains('tail')) return
      try {
        const redact = redactorFor(capture())
        const fresh = batches.filter((batch) => !saved.has(batch.batchId))
        const tx = db.transaction('tail', 'readwrite', { durability: 'strict' })
        const store = tx.objectStore('tail')
        for (const batch of fresh) {
          const batchId = batch.batchId
          saved.set(batchId, undefined)
          if (!batch.stamp) unstamped.set(batchId, batch)
          const request = store.put(redacted(batch, redact))
          request.onsuccess = () => {
            if (confirmedEarly.delete(batchId)) {
              saved.delete(batchId)
              remove(request.result)
            } else {
              saved.set(batchId, request.result)
              // Stamped while its first copy was being saved.
              if (batch.stamp && unstamped.has(batchId)) saveStamped(batch, request.result)
            }
          }
        }
        tx.commit?.()
      } catch {
        // The page is going away; there is nobody left to tell.
      }
    },
    stamped(batch) {
      const key = saved.get(batch.batchId)
      if (db && key !== undefined && batch.stamp && unstamped.has(batch.batchId)) saveStamped(batch, key)
    },
    current: (batch) => !unstamped.has(batch.batchId),
    confirm(batchId) {
      unstamped.delete(batchId)
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

/**
 * The batch with each payload as the engine would store it, and the count of replacements (the
 * engine redacts it again, which changes nothing and counts nothing, and adds this count).
 */
function redacted(batch: PackedBatch, redact: JsonRedactor): PackedBatch {
  let redactions = 0
  // Payloads are joined by newlines, which JSON text never holds raw (see PackedBatch).
  const each = (joined: string, count: number) => {
    if (count === 0) return joined
    return joined
      .split('\n')
      .map((json) => {
        const result = redact(json)
        redactions += result.count
        return result.json
      })
      .join('\n')
  }
  const narrow = each(batch.narrow, batch.typeOf.length - batch.wideAt.length)
  const wide = each(batch.wide, batch.wideAt.length)
  return { ...batch, narrow, wide, ...(redactions > 0 && { redactions }) }
}

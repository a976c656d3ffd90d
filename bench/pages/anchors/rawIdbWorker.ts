/// <reference lib="webworker" />
/**
 * Anchor: raw IndexedDB in a worker, the fastest simple way to make events durable. One JSON
 * record per batch of events, one transaction per record, relaxed durability, no compression.
 */
import { expose } from 'comlink'

let db: IDBDatabase | undefined

const api = {
  open(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1)
      request.onupgradeneeded = () => request.result.createObjectStore('batches')
      request.onsuccess = () => {
        db = request.result
        resolve()
      }
      request.onerror = () => reject(request.error)
    })
  },

  /** Resolves when the batch's transaction has committed. */
  put(events: unknown[], firstSeq: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const tx = db!.transaction('batches', 'readwrite', { durability: 'relaxed' })
      tx.objectStore('batches').put(JSON.stringify(events), firstSeq)
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
      tx.onabort = () => reject(tx.error)
    })
  },

  close(): void {
    db?.close()
    db = undefined
  },
}

export type RawIdbApi = typeof api
expose(api)

import { browserClock, type Clock } from '../util/clock'
import type { RecorderStatus } from './types'

/** How often the status asks the browser for its storage figures, at most (ms). */
export const STORAGE_ESTIMATE_MS = 30_000

type Publish = (patch: Partial<RecorderStatus>) => void

/**
 * The recorder's storage as the browser sees it (docs/capture.md, "Storage that lasts"): once the recorder's
 * IndexedDB is open, `navigator.storage.persist()` once when `persist` is set (its answer in
 * `status.persisted`), and `navigator.storage.estimate()` in `status.storageEstimate`, asked
 * again when the status changes (something was stored or sent) and the last answer is older than
 * {@link STORAGE_ESTIMATE_MS} — never per event, never while idle. Returns what the status calls
 * after each change; it never throws, and a browser without `navigator.storage` reports neither.
 */
export function watchStorage(persist: boolean | undefined, publish: Publish, clock: Clock = browserClock): (status: RecorderStatus) => void {
  let due = 0
  let busy = false
  return (status) => {
    // The browser is asked nothing before the recorder's IndexedDB is open (and nothing on a server).
    if (busy || !status.ready || status.storage !== 'indexeddb') return
    const storage = globalThis.navigator?.storage as StorageManager | undefined
    const at = clock.wallNow()
    if (!storage || (at < due && !persist)) return
    busy = true
    void (async () => {
      try {
        if (persist) {
          persist = false
          publish({ persisted: await storage.persist().catch(() => false) })
        }
        if (at >= due) {
          due = at + STORAGE_ESTIMATE_MS
          const { usage = 0, quota = 0 } = await storage.estimate()
          publish({ storageEstimate: { usage, quota, at } })
        }
      } catch {
        // the figures are a courtesy: a browser without them, or that refuses them, leaves them out
      } finally {
        busy = false
      }
    })()
  }
}

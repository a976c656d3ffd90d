import { randomId } from '../util/ulid'
import type { SyncStatus } from './syncStatus'

type ChannelMessage =
  | { type: 'status'; status: SyncStatus }
  | { type: 'data' }
  | { type: 'sync-now'; id: string }
  | { type: 'sync-done'; id: string; status: SyncStatus }

/** What the other tabs need of this tab's sync engine. */
export interface SyncTabsHost {
  /** This tab holds the lock from now on: it uploads. */
  lead(): Promise<void>
  /** As the uploader: another tab stored data. */
  data(): void
  /** As the uploader: another tab asks for an upload now; the status after it. */
  syncNow(): Promise<SyncStatus>
  /** As another tab: the uploader's status. */
  heard(status: SyncStatus): void
}

/**
 * The tabs that share a database: one uploads (the holder of a Web Lock), the others keep
 * recording into the same database, tell the uploader when they store data or are asked to sync
 * now, and hear about its progress on a BroadcastChannel.
 */
export class SyncTabs {
  /** This tab uploads. */
  leader = false
  readonly #host: SyncTabsHost
  #channel: BroadcastChannel | undefined
  #release: (() => void) | undefined
  #left = false
  readonly #waiting = new Map<string, (status: SyncStatus) => void>()

  constructor(host: SyncTabsHost) {
    this.#host = host
  }

  /**
   * Joins the tabs of `scope`, waiting in the browser's queue for the lock until the tab that
   * uploads now goes away. Alone (`shared: false`, no Web Locks), leads at once and says so (`true`).
   */
  async join(scope: string, shared: boolean): Promise<boolean> {
    if (!shared || typeof navigator === 'undefined' || !navigator.locks) {
      await this.#lead()
      return true
    }
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(`tapedeck-sync:${scope}`)
      this.#channel.onmessage = (event: MessageEvent<ChannelMessage>) => this.#heard(event.data)
    }
    void navigator.locks
      .request(`tapedeck-sync:${scope}`, () => {
        if (this.#left) return undefined
        return new Promise<void>((release) => {
          this.#release = release
          void this.#lead()
        })
      })
      .catch(() => undefined)
    return false
  }

  /** This tab stops: it lets another lead. */
  leave(): void {
    this.#left = true
    this.#channel?.close()
    this.#release?.()
  }

  /** As another tab: data was stored, for the uploader to upload. */
  stored(): void {
    this.#post({ type: 'data' })
  }

  /** As the uploader: its status, for every other tab to show. */
  broadcast(status: SyncStatus): void {
    if (this.leader) this.#post({ type: 'status', status })
  }

  /** As another tab: asks the uploader to upload now. Its status after, or `undefined` without an answer in 60 s. */
  syncNow(): Promise<SyncStatus | undefined> {
    const id = randomId('w_')
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id)
        resolve(undefined)
      }, 60_000)
      this.#waiting.set(id, (status) => {
        clearTimeout(timer)
        this.#waiting.delete(id)
        resolve(status)
      })
      this.#post({ type: 'sync-now', id })
    })
  }

  #lead(): Promise<void> {
    this.leader = true
    return this.#host.lead()
  }

  #heard(message: ChannelMessage): void {
    if (this.leader) {
      if (message.type === 'data') this.#host.data()
      if (message.type === 'sync-now') void this.#host.syncNow().then((status) => this.#post({ type: 'sync-done', id: message.id, status }))
      return
    }
    if (message.type === 'status') this.#host.heard(message.status)
    if (message.type === 'sync-done') this.#waiting.get(message.id)?.(message.status)
  }

  #post(message: ChannelMessage): void {
    try {
      this.#channel?.postMessage(message)
    } catch {
      // A closed channel: the page is going away.
    }
  }
}

import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { HeldEvent } from './OnErrorBuffer'

/** What a page left of an on-error session that never triggered: its `session.started` and its window. */
export interface StoredWindow {
  started: HeldEvent
  events: HeldEvent[]
}

interface WindowSchema extends DBSchema {
  /** One row per session: its `session.started` and the time of its newest event. */
  sessions: { key: string; value: { id: string; started: HeldEvent; lastAt: number } }
  /** The window's events, by [session, time recorded, tab-local order]. */
  events: { key: [string, number, string]; value: HeldEvent & { key: [string, number, string] } }
}

const WRITE_DELAY_MS = 100

/** The window's database (`<dbName>:on-error`), created on first open. */
export function openWindowDb(name: string): Promise<IDBPDatabase<WindowSchema>> {
  return openDB<WindowSchema>(name, 1, {
    upgrade(database) {
      database.createObjectStore('sessions', { keyPath: 'id' })
      database.createObjectStore('events', { keyPath: 'key' })
    },
  })
}

/** The key range of one session's event rows. */
export const sessionRows = (sessionId: string): IDBKeyRange => IDBKeyRange.bound([sessionId, -Infinity, ''], [sessionId, Infinity, ''])

/**
 * The on-error window on disk (docs/capture.md, "On-error mode"), in a database of its own beside
 * the recorder's (`<dbName>:on-error`), so that a reload or a crash before the trigger does not
 * lose the minute before it. Written behind, at most every 100 ms and at once when the page is
 * hidden; events older than the window are deleted as newer ones come, a kept or ended session's
 * rows at once, and what other pages left behind when it has expired (`load()`).
 *
 * The engine never sees these rows: they are redacted on the page (`redact`) before they are
 * written, and handed to the recorder's queue like any event when the session is kept.
 */
export class WindowStore {
  readonly #db: IDBPDatabase<WindowSchema>
  readonly #windowMs: number
  readonly #redact: (json: string) => string
  readonly #tab = Math.random().toString(36).slice(2, 10)
  #order = 0
  #pending: Array<{ sessionId: string; event: HeldEvent; started: boolean }> = []
  #timer: ReturnType<typeof setTimeout> | undefined
  #writing: Promise<void> = Promise.resolve()
  readonly #onHidden = (event: Event) => {
    if (event.type === 'pagehide' || document.visibilityState === 'hidden') void this.write()
  }

  private constructor(db: IDBPDatabase<WindowSchema>, windowMs: number, redact: (json: string) => string) {
    this.#db = db
    this.#windowMs = windowMs
    this.#redact = redact
    addEventListener('pagehide', this.#onHidden)
    addEventListener('visibilitychange', this.#onHidden)
  }

  /** The store, or undefined where IndexedDB cannot be opened (the window then lives in memory only). */
  static async open(name: string, windowMs: number, redact: (json: string) => string): Promise<WindowStore | undefined> {
    try {
      return new WindowStore(await openWindowDb(name), windowMs, redact)
    } catch {
      return undefined
    }
  }

  /**
   * The windows earlier pages left, by session id, as of `now`; deletes those that expired (no event
   * within the window) and the expired events of the others.
   */
  async load(now: number): Promise<Map<string, StoredWindow>> {
    const windows = new Map<string, StoredWindow>()
    const from = now - this.#windowMs
    const tx = this.#db.transaction(['sessions', 'events'], 'readwrite')
    const [sessions, events] = await Promise.all([tx.objectStore('sessions').getAll(), tx.objectStore('events').getAll()])
    for (const session of sessions) {
      if (session.lastAt < from) void tx.objectStore('sessions').delete(session.id)
      else windows.set(session.id, { started: session.started, events: [] })
    }
    for (const row of events) {
      const window = windows.get(row.key[0])
      if (!window || row.at < from) void tx.objectStore('events').delete(row.key)
      else window.events.push(unkeyed(row))
    }
    await tx.done
    return windows
  }

  /** Holds an event of the window (written behind); `started`: the session's `session.started`. */
  add(sessionId: string, event: HeldEvent, started = false): void {
    this.#pending.push({ sessionId, event, started })
    this.#timer ??= setTimeout(() => this.write(), WRITE_DELAY_MS)
  }

  /** Writes what is pending now, in one transaction, and trims each written session to its window. */
  write(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const pending = this.#pending
    if (pending.length === 0) return this.#writing
    this.#pending = []
    return (this.#writing = this.#writing.then(async () => {
      try {
        const tx = this.#db.transaction(['sessions', 'events'], 'readwrite')
        const sessions = tx.objectStore('sessions')
        const events = tx.objectStore('events')
        const last = new Map<string, { at: number; started?: HeldEvent }>()
        for (const { sessionId, event, started } of pending) {
          const held = { ...event, data: this.#redact(event.data) }
          const mark = last.get(sessionId) ?? { at: event.at }
          mark.at = Math.max(mark.at, event.at)
          if (started) mark.started = held
          else void events.put({ ...held, key: [sessionId, event.at, `${this.#tab}:${++this.#order}`] })
          last.set(sessionId, mark)
        }
        for (const [id, mark] of last) {
          const row = mark.started ? undefined : await sessions.get(id)
          const started = mark.started ?? row?.started
          if (started) void sessions.put({ id, started, lastAt: Math.max(mark.at, row?.lastAt ?? 0) })
          void events.delete(IDBKeyRange.bound([id, -Infinity, ''], [id, mark.at - this.#windowMs, ''], false, true))
        }
        await tx.done
      } catch {
        // The window stays in memory; only a reload or crash before the trigger loses it.
      }
    }))
  }

  /** Forgets a session's window (kept: its events are the queue's now; or ended untriggered). */
  drop(sessionId: string): Promise<void> {
    this.#pending = this.#pending.filter((held) => held.sessionId !== sessionId)
    return (this.#writing = this.#writing.then(async () => {
      try {
        const tx = this.#db.transaction(['sessions', 'events'], 'readwrite')
        void tx.objectStore('sessions').delete(sessionId)
        void tx.objectStore('events').delete(sessionRows(sessionId))
        await tx.done
      } catch {
        // Left to expire: the next load() deletes it.
      }
    }))
  }

  /** Forgets every window, of every session (consent was withdrawn). */
  clear(): Promise<void> {
    this.#pending = []
    return (this.#writing = this.#writing.then(async () => {
      try {
        const tx = this.#db.transaction(['sessions', 'events'], 'readwrite')
        void tx.objectStore('sessions').clear()
        void tx.objectStore('events').clear()
        await tx.done
      } catch {
        // Left to expire: the next load() deletes it.
      }
    }))
  }

  /** Writes what is pending and lets go of the database. */
  async close(): Promise<void> {
    removeEventListener('pagehide', this.#onHidden)
    removeEventListener('visibilitychange', this.#onHidden)
    await this.write()
    this.#db.close()
  }
}

function unkeyed(row: HeldEvent & { key: unknown }): HeldEvent {
  const { type, data, checkpoint, ts, at } = row
  return { type, data, checkpoint, ts, at }
}

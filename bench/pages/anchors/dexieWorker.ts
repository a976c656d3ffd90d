/// <reference lib="webworker" />
/**
 * Peer: the obvious design. One IndexedDB record per event, written with Dexie's `bulkPut`, 1000
 * events per call (one transaction), relaxed durability as the recorder uses.
 */
import { expose } from 'comlink'
import { Dexie, type Table } from 'dexie'

interface EventRow {
  seq: number
  ts: number
  type: string
  data: unknown
}

class EventsDatabase extends Dexie {
  events!: Table<EventRow, number>
  constructor(name: string) {
    super(name, { chromeTransactionDurability: 'relaxed' })
    this.version(1).stores({ events: 'seq' })
  }
}

let db: EventsDatabase | undefined

const api = {
  async open(name: string): Promise<void> {
    db = new EventsDatabase(name)
    await db.open()
  },

  /** Resolves when the transaction of `bulkPut` has committed. */
  async put(events: unknown[], firstSeq: number): Promise<void> {
    const ts = Date.now()
    await db!.events.bulkPut(events.map((data, i) => ({ seq: firstSeq + i, ts, type: 'message.created', data })))
  },

  close(): void {
    db?.close()
    db = undefined
  },
}

export type DexieApi = typeof api
expose(api)

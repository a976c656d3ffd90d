import { expect, test } from 'vitest'
import { uniqueDb } from '../../test/browser'
import { emptyCounters } from './schema'
import { createIdbStore, openDatabase } from './idbStore'

test('settling a batch writes with relaxed durability, like the events (docs/sync.md): a lost mark only resends a batch the backend dedupes', async () => {
  const db = await openDatabase(uniqueDb())
  const store = createIdbStore(db)
  const session = { id: 's_1', status: 'active' as const, startedAt: 0, updatedAt: 0, metadata: {}, lastSeq: 1, lastT: 0, counters: emptyCounters() }
  const chunk = (firstSeq: number) => ({ sessionId: 's_1', firstSeq, lastSeq: firstSeq, count: 1, size: 4, bytes: new ArrayBuffer(4), rawBytes: 4, createdAt: firstSeq, state: 'pending' as const, attempts: 0 })
  for (const firstSeq of [0, 1]) await store.appendMany([{ sessionId: 's_1', apply: () => ({ session, chunk: chunk(firstSeq), created: firstSeq === 0, resumed: false }) }])
  const modes: string[] = []
  const transaction = IDBDatabase.prototype.transaction
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const tx = transaction.apply(this, args)
    if (tx.mode === 'readwrite') modes.push(tx.durability)
    return tx
  }
  try {
    await store.settle('s_1', [0, 1], { state: 'sent' })
  } finally {
    IDBDatabase.prototype.transaction = transaction
  }
  expect(modes).toEqual(['relaxed'])
  expect((await store.getSession('s_1'))!.syncedSeq).toBe(1)
  db.close()
})

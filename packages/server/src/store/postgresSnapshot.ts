import type { Pool, PoolClient } from 'pg'

/** Runs one statement and gives its rows. */
export type Read = <T extends object>(sql: string, params: unknown[]) => Promise<T[]>

/**
 * Set in each transaction of an answer: hash aggregates (sketch buckets, users per group) stay
 * in memory up to 64 MB per statement; and no parallel workers, since the answer already runs its
 * statements side by side on several connections. With them, the planner gave the roll-ups'
 * sketch statement (a union all) a Parallel Append of two workers: 87 ms instead of 49 beside
 * the answer's other statements, by model over 90 days 100 ms instead of 66 (20,000 sessions,
 * 2 CPUs; docs/server.md).
 */
const SETTINGS = `set local work_mem = '64MB'; set local max_parallel_workers_per_gather = 0`
/** Connections besides its own that one answer may borrow, when the pool has them free. */
const HELPERS = 8

interface Job {
  sql: string
  params: unknown[]
  resolve(rows: object[]): void
  reject(error: unknown): void
}

/**
 * Runs `work` in one REPEATABLE READ READ ONLY transaction, so that every statement it reads
 * through `read` sees the database at one moment: an answer made of several statements never
 * counts a row that moved between them twice, or not at all.
 *
 * The statements run side by side as before, on the transaction's own connection and on up to
 * HELPERS more that import its snapshot (`set transaction snapshot`), taken only when the pool
 * has them free at once. The answer never waits for a helper's connection: its own runs every
 * statement no helper took, and a helper that connects after the last statement has nothing
 * to do. So a pool of one connection, or one busy with other answers, still answers.
 */
export async function postgresSnapshot<T>(pool: Pool, work: (read: Read) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  const queue: Job[] = []
  /** Helpers at work in the snapshot: the transaction that exported it stays open until they end. */
  const active = new Set<Promise<void>>()
  let open = true
  let helpers = 0
  let own: Promise<void> | null = null
  let snapshot = ''
  const take = async (on: PoolClient) => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const { resolve, reject, sql, params } = job
      await on.query(sql, params).then((result) => resolve(result.rows), reject)
    }
  }
  const help = async (borrowed: PoolClient, id: string) => {
    try {
      await borrowed.query(`begin isolation level repeatable read read only; set transaction snapshot '${id}'; ${SETTINGS}`)
      await take(borrowed)
      await borrowed.query('commit')
    } catch {
      // The statements it did not take are still queued, for the answer's own connection.
      await borrowed.query('rollback').catch(() => undefined)
    } finally {
      borrowed.release()
    }
  }
  const borrow = async () => {
    const borrowed = await pool.connect().catch(() => null)
    if (!borrowed) return
    // Too late (the answer is done, or its own connection took every statement): nothing to do.
    if (!open || queue.length === 0) return borrowed.release()
    active.add(help(borrowed, snapshot))
  }
  /** The answer's own connection takes statements while any is queued. */
  const runOwn = () => {
    own ??= take(client).finally(() => {
      own = null
      if (open && queue.length > 0) runOwn()
    })
  }
  const read: Read = <R extends object>(sql: string, params: unknown[]) =>
    new Promise<R[]>((resolve, reject) => {
      if (!open) return reject(new Error('The snapshot is closed.'))
      queue.push({ sql, params, resolve: resolve as (rows: object[]) => void, reject })
      runOwn()
      // A second statement waiting: borrow a connection, if one is free now.
      if (queue.length > 1 && helpers < HELPERS && (pool.idleCount > 0 || pool.totalCount < (pool.options.max ?? 10))) {
        helpers++
        void borrow()
      }
    })
  try {
    await client.query(`begin isolation level repeatable read read only; ${SETTINGS}`)
    snapshot = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]!.id
    return await work(read)
  } finally {
    open = false
    queue.length = 0
    await own
    await Promise.all(active)
    await client.query('commit').catch(() => undefined)
    client.release()
  }
}

import type { Pool } from 'pg'

/** Runs one statement and gives its rows. */
export type Read = <T extends object>(sql: string, params: unknown[]) => Promise<T[]>

/** Hash aggregates (sketch buckets, users per group) stay in memory up to this much per statement. */
const WORK_MEM = '64MB'

/**
 * Runs `work` in one REPEATABLE READ READ ONLY transaction on one pooled connection, so that
 * every statement it reads through `read` sees the database at one moment (the snapshot of its
 * first statement): an answer made of several statements never counts a row that moved between
 * them twice, or not at all. Statements issued together run one after another, in the order issued.
 */
export async function postgresSnapshot<T>(pool: Pool, work: (read: Read) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  // One statement at a time on the connection (pg 9 refuses a query while one runs), in the order issued.
  let last: Promise<unknown> = Promise.resolve()
  try {
    await client.query(`begin isolation level repeatable read read only; set local work_mem = '${WORK_MEM}'`)
    const result = await work(<R extends object>(sql: string, params: unknown[]) => {
      const rows = last.then(async () => (await client.query<R>(sql, params)).rows)
      last = rows.catch(() => undefined)
      return rows
    })
    await last
    await client.query('commit')
    return result
  } catch (error) {
    await last
    await client.query('rollback').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

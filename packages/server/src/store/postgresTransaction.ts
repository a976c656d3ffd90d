import type { Pool, PoolClient } from 'pg'

/** Runs `work` in a transaction on a connection of its own: committed when it returns, rolled back when it throws. */
export async function postgresTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('begin')
    const result = await work(client)
    await client.query('commit')
    return result
  } catch (error) {
    await client.query('rollback').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

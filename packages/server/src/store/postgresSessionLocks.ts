import type { PoolClient } from 'pg'

/** The first key of the two-key advisory locks that serialise writes and erasure per session ('td'). */
const SESSION_LOCKS = 0x7464

/**
 * Takes the sessions' locks until the transaction ends, in id order, before any row lock: an
 * erasure, a hold and a batch of one session then run one after the other, and two of them
 * never deadlock (each holds no row lock while it waits here).
 */
export async function lockSessions(client: PoolClient, ids: readonly string[]): Promise<void> {
  for (const id of [...ids].sort()) await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [SESSION_LOCKS, id])
}

import { createPostgresStore } from '../store/createPostgresStore.js'
import type { SessionStore } from '../store/SessionStore.js'
import { openPostgresSchema } from './postgresSchema.js'

export interface HostileStore {
  name: string
  /** A fresh store, and how to drop it; the file store's folder is the server's own (null). */
  open(): Promise<{ store: SessionStore | null; dispose(): Promise<void> }>
}

/** The stores the hostile-input suite runs against: files always, PostgreSQL when DATABASE_URL is set. */
export function hostileStores(): HostileStore[] {
  const stores: HostileStore[] = [{ name: 'files', open: async () => ({ store: null, dispose: async () => {} }) }]
  const databaseUrl = process.env.DATABASE_URL
  if (databaseUrl) {
    stores.push({
      name: 'postgres',
      open: async () => {
        const schema = await openPostgresSchema(databaseUrl)
        return { store: createPostgresStore({ pool: schema.pool }), dispose: schema.dispose }
      },
    })
  } else {
    console.warn('Hostile-input suite on PostgreSQL SKIPPED: set DATABASE_URL (eval "$(bash scripts/postgres.sh)") to run it.')
  }
  return stores
}

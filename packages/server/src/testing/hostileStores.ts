import { afterEach } from 'vitest'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { createPostgresStore } from '../store/createPostgresStore.js'
import type { SessionStore } from '../store/SessionStore.js'
import { openPostgresSchema } from './postgresSchema.js'
import { startServer, type TestServer } from './startServer.js'

export interface HostileStore {
  name: string
  /** A fresh store, and how to drop it; the file store's folder is the server's own (null). */
  open(): Promise<{ store: SessionStore | null; dispose(): Promise<void> }>
}

/** The stores the hostile-input suite runs against: memory and files always, PostgreSQL when DATABASE_URL is set. */
export function hostileStores(): HostileStore[] {
  const stores: HostileStore[] = [
    { name: 'memory', open: async () => ({ store: createMemoryStore(), dispose: async () => {} }) },
    { name: 'files', open: async () => ({ store: null, dispose: async () => {} }) },
  ]
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

/**
 * A server on a fresh `open()`ed store for each test that calls the returned function; the server
 * is closed and the store dropped after that test.
 */
export function serverPerTest(open: HostileStore['open']): () => Promise<TestServer> {
  let running: { server: TestServer; dispose(): Promise<void> } | undefined
  afterEach(async () => {
    if (!running) return
    const { server, dispose } = running
    running = undefined
    await server.close()
    await dispose()
  })
  return async () => {
    const opened = await open()
    const server = await startServer({ ...(opened.store && { store: opened.store }) })
    running = { server, dispose: opened.dispose }
    return server
  }
}

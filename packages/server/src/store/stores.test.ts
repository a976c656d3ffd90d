import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'vitest'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { describeStoreContract } from '../testing/storeContract.js'
import { createFileStore } from './createFileStore.js'
import { createMemoryStore } from './createMemoryStore.js'
import { createPostgresStore } from './createPostgresStore.js'

describeStoreContract('memory', async () => ({ store: createMemoryStore(), dispose: async () => {} }))

describeStoreContract('files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tapedeck-store-'))
  return { store: createFileStore({ dir }), dispose: () => rm(dir, { recursive: true, force: true }) }
})

// The same with a cache too small to keep anything: every summary, hold and last write is read from disk.
describeStoreContract('files, cache of 1 byte', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tapedeck-store-'))
  return { store: createFileStore({ dir, cacheBytes: 1 }), dispose: () => rm(dir, { recursive: true, force: true }) }
})

const databaseUrl = process.env.DATABASE_URL
if (databaseUrl) {
  describeStoreContract('postgres', async () => {
    const schema = await openPostgresSchema(databaseUrl)
    return { store: createPostgresStore({ pool: schema.pool }), dispose: schema.dispose }
  })
} else {
  console.warn('PostgreSQL store contract SKIPPED: set DATABASE_URL (eval "$(bash scripts/postgres.sh)") to run it.')
  describe.skip('SessionStore contract: postgres (set DATABASE_URL to run)', () => {
    it('runs only with DATABASE_URL', () => {})
  })
}

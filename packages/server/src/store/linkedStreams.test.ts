import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeLinkedStreamContract } from '../testing/linkedStreamContract.js'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { createFileStore } from './createFileStore.js'
import { createMemoryStore } from './createMemoryStore.js'
import { createPostgresStore } from './createPostgresStore.js'

describeLinkedStreamContract('memory', async () => ({ store: createMemoryStore(), dispose: async () => {} }))

describeLinkedStreamContract('files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tapedeck-links-'))
  return { store: createFileStore({ dir }), dispose: () => rm(dir, { recursive: true, force: true }) }
})

describeLinkedStreamContract('files, cache of 1 byte', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tapedeck-links-'))
  return { store: createFileStore({ dir, cacheBytes: 1 }), dispose: () => rm(dir, { recursive: true, force: true }) }
})

const databaseUrl = process.env.DATABASE_URL
if (databaseUrl) {
  describeLinkedStreamContract('postgres', async () => {
    const schema = await openPostgresSchema(databaseUrl)
    return { store: createPostgresStore({ pool: schema.pool }), dispose: schema.dispose }
  })
}

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFileStore } from '../store/createFileStore.js'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { createPostgresStore } from '../store/createPostgresStore.js'
import type { SessionStore, WireEvent } from '../store/SessionStore.js'
import { recordSession, shuffle } from '../testing/events.js'
import { openPostgresSchema } from '../testing/postgresSchema.js'
import { postBatch, startServer } from '../testing/startServer.js'

type OpenStore = () => Promise<{ store: SessionStore; dispose(): Promise<void> }>

const stores: Array<[string, OpenStore]> = [
  ['files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapedeck-burst-'))
    return { store: createFileStore({ dir }), dispose: () => rm(dir, { recursive: true, force: true }) }
  }],
  ['memory', async () => ({ store: createMemoryStore(), dispose: async () => {} })],
]
const databaseUrl = process.env.DATABASE_URL
if (databaseUrl) {
  stores.push(['postgres', async () => {
    const schema = await openPostgresSchema(databaseUrl)
    return { store: createPostgresStore({ pool: schema.pool }), dispose: schema.dispose }
  }])
}

// What this asserts is that every write lands once; the time is printed, not a bar. On PostgreSQL
// the 52 POSTs took over the default 5 s on a loaded machine, so the test allows 30 s.
describe.each(stores)('a burst of concurrent writers over HTTP: %s', (name, open) => {
  it('stores all of 50 concurrent batches of one session once, and answers repeats with 200', { timeout: 30_000 }, async () => {
    const { store, dispose } = await open()
    const server = await startServer({ store })
    try {
      const { events, batches } = recordSession('s_burst', 5000, { batchSize: 100 })
      const sends = [...shuffle(batches, 11), batches[0]!, batches[25]!]
      const started = performance.now()
      const statuses = await Promise.all(sends.map((batch) => postBatch(server.url, batch).then((r) => r.status)))
      const ms = performance.now() - started
      console.info(`burst (${name}): ${sends.length} concurrent POSTs of 100 events, ${ms.toFixed(0)} ms, ${Math.round(5000 / (ms / 1000))} events/s`)
      expect(statuses.filter((s) => s === 201)).toHaveLength(50)
      expect(statuses.filter((s) => s === 200)).toHaveLength(2)
      const read: WireEvent[] = []
      for await (const e of store.readEvents('s_burst')) read.push(e)
      expect(read).toEqual(events)
      const detail = await store.getSession('s_burst')
      expect(detail?.completeness).toEqual({ complete: true, lastSeq: 4999, gaps: [] })
      expect(detail?.stats.events).toBe(5000)
    } finally {
      await server.close()
      await dispose()
    }
  })
})

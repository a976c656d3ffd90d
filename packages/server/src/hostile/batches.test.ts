import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/createMemoryStore.js'
import type { SessionStore, WireEvent } from '../store/SessionStore.js'
import { gzip, recordSession } from '../testing/events.js'
import { hostileStores, serverPerTest } from '../testing/hostileStores.js'
import { errorCode, postBatch, startServer, type TestServer } from '../testing/startServer.js'

/** `count` tiny events of one session, as NDJSON: seq `from`, `from + step`, … */
function tinyEvents(sessionId: string, count: number, step = 1, from = 0): string {
  const lines: string[] = []
  for (let i = 0; i < count; i++) lines.push(`{"sessionId":"${sessionId}","seq":${from + i * step},"type":"x"}\n`)
  return lines.join('')
}

for (const { name, open } of hostileStores()) {
  describe(`hostile batches (${name} store)`, () => {
    let server: TestServer
    const serve = serverPerTest(open)

    async function start() {
      server = await serve()
    }

    const send = (sessionId: string, text: string, seq: string, key = `k_${sessionId}_${seq}`) =>
      postBatch(server.url, [], { sessionId, seq, key, body: gzip(text) })

    it('refuses a batch past the event cap, or with a bad line late in the body, and stores none of it', async () => {
      await start()
      const over = await send('s_many', tinyEvents('s_many', 100_001), '0-100000')
      expect([over.status, await errorCode(over)]).toEqual([413, 'too_many_events'])
      expect(await server.store.getSession('s_many')).toBeNull()
      const lateBadLine = `${tinyEvents('s_late', 50_000)}{"sessionId":"s_late","seq":50000}\n`
      const refused = await send('s_late', lateBadLine, '0-50000')
      expect([refused.status, await errorCode(refused)]).toEqual([422, 'invalid_event'])
      expect(await server.store.getSession('s_late')).toBeNull()
      const events: WireEvent[] = []
      for await (const event of server.store.readEvents('s_late')) events.push(event)
      expect(events).toEqual([])
      if (name === 'files') expect(await readdir(join(server.dir, 'tmp'))).toEqual([])
      // The cap exactly is taken, written in slices, and read back whole.
      const full = await send('s_full', tinyEvents('s_full', 100_000), '0-99999')
      expect([full.status, await full.json()]).toEqual([201, { status: 'stored', stored: 100_000, skipped: [] }])
      expect((await server.store.getSession('s_full'))?.completeness).toEqual({ complete: false, lastSeq: 99_999, gaps: [] })
    }, 60_000)

    it('refuses an event nested deeper than 512 arrays or objects, which JSON.stringify could not write back, and takes one 511 deep', async () => {
      await start()
      const nested = (depth: number, seq: number) => `{"sessionId":"s_deep","seq":${seq},"type":"x","data":${'{"a":['.repeat(depth / 2)}1${']}'.repeat(depth / 2)}}\n`
      for (const depth of [200_000, 514]) {
        const refused = await send('s_deep', `${nested(10, 0)}${nested(depth, 1)}`, '0-1')
        expect([depth, refused.status, await errorCode(refused)]).toEqual([depth, 422, 'invalid_event'])
      }
      expect(await server.store.getSession('s_deep')).toBeNull()
      // 511 levels, the event included: taken.
      expect((await send('s_deep', nested(510, 0), '0-0')).status).toBe(201)
      for (const path of ['events', 'export?format=jsonl', 'export?format=zip', 'export?format=html', 'export?format=csv']) {
        const response = await fetch(`${server.url}/v1/sessions/s_deep/${path}`)
        expect([path, response.status]).toEqual([path, 200])
        await response.arrayBuffer()
      }
      expect(server.logs.filter((line) => line.startsWith('ERROR'))).toEqual([])
    })

    it('keeps a session small whatever its seq pattern: past 1,000 separate runs of seqs, a batch that adds one is refused', async () => {
      await start()
      // Every other seq: 1,000 runs, the most a session may hold.
      const sparse = await send('s_gaps', tinyEvents('s_gaps', 1000, 2), '0-1998')
      expect(sparse.status).toBe(201)
      const more = await send('s_gaps', tinyEvents('s_gaps', 1, 1, 2002), '2002-2002')
      expect([more.status, await errorCode(more)]).toEqual([422, 'session_fragmented'])
      const alsoSparse = await send('s_other', tinyEvents('s_other', 2000, 2), '0-3998')
      expect([alsoSparse.status, await errorCode(alsoSparse)]).toEqual([422, 'session_fragmented'])
      expect(await server.store.getSession('s_other')).toBeNull()
      // Extending the last run, or filling a gap, is taken.
      expect((await send('s_gaps', tinyEvents('s_gaps', 1, 1, 1999), '1999-1999')).status).toBe(201)
      expect((await send('s_gaps', tinyEvents('s_gaps', 1, 1, 1), '1-1')).status).toBe(201)
      const detail = await fetch(`${server.url}/v1/sessions/s_gaps`)
      const text = await detail.text()
      expect(text.length).toBeLessThan(64 * 1024)
      expect((JSON.parse(text) as { completeness: { gaps: unknown[] } }).completeness.gaps).toHaveLength(998)
    })
  })
}

describe('ingest gate', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
  })

  it('runs maxConcurrentIngests at once, queues maxQueuedIngests, and answers the rest 503 with Retry-After', async () => {
    const memory = createMemoryStore()
    let release!: () => void
    const blocked = new Promise<void>((resolve) => (release = resolve))
    let entered = 0
    const store: SessionStore = {
      ...memory,
      async putBatch(batch, receivedAt) {
        entered += 1
        await blocked
        return memory.putBatch(batch, receivedAt)
      },
    }
    server = await startServer({ store, limits: { maxConcurrentIngests: 2, maxQueuedIngests: 1 } })
    const sessions = ['s_1', 's_2', 's_3', 's_4', 's_5']
    const pending = sessions.slice(0, 3).map((id) => postBatch(server!.url, recordSession(id, 3).events))
    await expect.poll(() => entered).toBe(2)
    const refused = await Promise.all(sessions.slice(3).map((id) => postBatch(server!.url, recordSession(id, 3).events)))
    for (const response of refused) {
      expect([response.status, response.headers.get('retry-after'), await errorCode(response)]).toEqual([503, '1', 'server_busy'])
    }
    expect(entered).toBe(2)
    release()
    expect((await Promise.all(pending)).map((response) => response.status)).toEqual([201, 201, 201])
    expect(entered).toBe(3)
  })
})

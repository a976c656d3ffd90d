import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createFileStore } from '../store/createFileStore.js'
import { blobFileName, sessionDirName } from '../store/fileNames.js'
import { ndjson, recordSession } from '../testing/events.js'
import { hostileStores } from '../testing/hostileStores.js'
import { postBatch, startServer, type TestServer } from '../testing/startServer.js'

const LONG = (char: string) => char.repeat(128)
/** Valid ids that break a store naming files after them: too long together, device names on Windows, case twins. */
const HOSTILE_IDS = [
  { sessionId: LONG('s'), blobId: LONG('b'), part: LONG('p') },
  { sessionId: 'CON', blobId: 'AUX', part: 'nul' },
  { sessionId: 'com1', blobId: 'LPT9', part: 'PRN' },
  { sessionId: 's_Case', blobId: 'B_x', part: 'P' },
  { sessionId: 's_case', blobId: 'b_X', part: 'p' },
]
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i

for (const { name, open } of hostileStores()) {
  describe(`hostile ids (${name} store)`, () => {
    let server: TestServer
    let dispose: () => Promise<void>
    afterEach(async () => {
      await server.close()
      await dispose()
    })

    it('stores and reads back every valid id, in every position, each apart from its case twin', async () => {
      const opened = await open()
      dispose = opened.dispose
      server = await startServer({ ...(opened.store && { store: opened.store }) })
      for (const { sessionId, blobId, part } of HOSTILE_IDS) {
        const url = `${server.url}/v1/sessions/${sessionId}/blobs/${blobId}/${part}`
        const put = await fetch(url, { method: 'PUT', body: `${sessionId}/${blobId}/${part}` })
        expect([sessionId.length, blobId.length, part.length, put.status]).toEqual([sessionId.length, blobId.length, part.length, 201])
        expect((await postBatch(server.url, recordSession(sessionId, 3).events)).status).toBe(201)
      }
      for (const { sessionId, blobId, part } of HOSTILE_IDS) {
        const got = await fetch(`${server.url}/v1/sessions/${sessionId}/blobs/${blobId}/${part}`)
        expect([got.status, await got.text()]).toEqual([200, `${sessionId}/${blobId}/${part}`])
        expect(await server.store.listBlobs(sessionId)).toEqual([{ blobId, part, contentType: 'text/plain;charset=UTF-8', size: `${sessionId}/${blobId}/${part}`.length }])
        expect((await server.store.getSession(sessionId))?.stats.events).toBe(3)
        const events = await fetch(`${server.url}/v1/sessions/${sessionId}/events`)
        expect((await events.text()).trim().split('\n')).toHaveLength(3)
      }
      if (name === 'files') {
        const names = await readdir(join(server.dir, 'sessions'))
        const blobNames = (await Promise.all(names.map((folder) => readdir(join(server.dir, 'sessions', folder, 'blobs'))))).flat()
        for (const file of [...names, ...blobNames]) {
          expect(Buffer.byteLength(file)).toBeLessThanOrEqual(255)
          expect(RESERVED.test(file.split('.')[0]!)).toBe(false)
        }
        // Distinct even where case does not count (macOS, Windows).
        expect(new Set(names.map((folder) => folder.toLowerCase())).size).toBe(HOSTILE_IDS.length)
      }
    })
  })
}

describe('file store: layout 1 (files named by ids alone)', () => {
  it('is renamed once on start: events, blobs, holds and last-write times are kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapedeck-layout1-'))
    const { events } = recordSession('s_old', 4)
    await mkdir(join(dir, 'sessions', 's_old', 'batches'), { recursive: true })
    await mkdir(join(dir, 'sessions', 's_old', 'blobs'), { recursive: true })
    await writeFile(join(dir, 'sessions', 's_old', 'batches', '000000000000-000000000003-0123456789abcdef0123456789abcdef.ndjson'), ndjson(events))
    const legacyBlob = join(dir, 'sessions', 's_old', 'blobs', 'b_1.0.blob')
    await writeFile(legacyBlob, `${JSON.stringify({ contentType: 'audio/webm' })}\nOPUS`)
    await utimes(legacyBlob, new Date(1_700_000_000_000), new Date(1_700_000_000_000))
    await writeFile(join(dir, 'sessions', 's_old', 'hold.json'), JSON.stringify({ reason: 'case 7', since: 5 }))

    const store = createFileStore({ dir })
    expect((await store.getSession('s_old'))?.stats.events).toBe(4)
    expect(await store.getHold('s_old')).toEqual({ reason: 'case 7', since: 5 })
    expect(await store.listBlobs('s_old')).toEqual([{ blobId: 'b_1', part: '0', contentType: 'audio/webm', size: 4 }])
    expect(new TextDecoder().decode((await store.getBlob('s_old', 'b_1', '0'))?.bytes)).toBe('OPUS')
    expect(await readdir(join(dir, 'sessions'))).toEqual([sessionDirName('s_old')])
    const migrated = join(dir, 'sessions', sessionDirName('s_old'), 'blobs', blobFileName('b_1', '0'))
    expect((await stat(migrated)).mtimeMs).toBe(1_700_000_000_000)
    expect(JSON.parse(await readFile(join(dir, 'layout.json'), 'utf8'))).toEqual({ layout: 2 })
    const events2: unknown[] = []
    for await (const event of store.readEvents('s_old')) events2.push(event)
    expect(events2).toEqual(events)
    await rm(dir, { recursive: true, force: true })
  })
})

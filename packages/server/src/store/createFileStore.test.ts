import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordSession } from '../testing/events.js'
import { createFileStore } from './createFileStore.js'
import { sessionDirName } from './fileNames.js'
import type { SessionStore, WireEvent } from './SessionStore.js'

async function readAll(store: SessionStore, sessionId: string): Promise<WireEvent[]> {
  const events: WireEvent[] = []
  for await (const e of store.readEvents(sessionId)) events.push(e)
  return events
}

describe('createFileStore: crash safety', () => {
  let dir: string
  const { events, batches } = recordSession('s_1', 30)
  const put = (store: SessionStore, index: number) => {
    const batch = batches[index]!
    return store.putBatch({ sessionId: 's_1', key: `k${index}`, firstSeq: batch[0]!.seq, lastSeq: batch.at(-1)!.seq, events: batch })
  }
  const sessionDir = () => join(dir, 'sessions', sessionDirName('s_1'))

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapedeck-files-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads everything committed after a restart, and still knows its keys', async () => {
    const first = createFileStore({ dir })
    for (const index of [2, 0, 1]) await put(first, index)
    const detail = await first.getSession('s_1')
    const second = createFileStore({ dir })
    expect(await readAll(second, 's_1')).toEqual(events)
    expect(await second.getSession('s_1')).toEqual(detail)
    expect((await put(second, 1)).status).toBe('duplicate')
  })

  it('ignores half-written temp files, in tmp/ and among the batches, and clears tmp/ on start', async () => {
    await put(createFileStore({ dir }), 0)
    await writeFile(join(dir, 'tmp', 'crashed.tmp'), '{"sessionId":"s_1","seq":10,"ty')
    await writeFile(join(sessionDir(), 'batches', 'x.tmp'), '{"sessionId":"s_1","seq":11,"type":"x"}\n')
    await writeFile(join(sessionDir(), 'batches', '000000000012-000000000012-short.ndjson'), '{"sessionId":"s_1","seq":12,"type":"x"}\n')
    const store = createFileStore({ dir })
    expect(await readAll(store, 's_1')).toEqual(events.slice(0, 10))
    expect((await store.getSession('s_1'))?.stats.events).toBe(10)
    expect(await readdir(join(dir, 'tmp'))).toEqual([])
  })

  it('keeps every complete line of a torn batch file and rebuilds the summary from the files', async () => {
    const store = createFileStore({ dir })
    for (const index of [0, 1, 2]) await put(store, index)
    const names = (await readdir(join(sessionDir(), 'batches'))).sort()
    const middle = join(sessionDir(), 'batches', names[1]!)
    const text = await readFile(middle, 'utf8')
    const cut = text.indexOf('\n', text.indexOf('\n') + 1) + 20 // two whole lines and part of a third
    await truncate(middle, cut)
    await appendFile(join(sessionDir(), 'batches', names[2]!), 'not json\n')
    await rm(join(sessionDir(), 'summary.json'))
    const reopened = createFileStore({ dir })
    const read = await readAll(reopened, 's_1')
    expect(read.map((e) => e.seq)).toEqual([...range(0, 11), ...range(20, 29)])
    expect(read).toEqual([...events.slice(0, 12), ...events.slice(20)])
    expect((await reopened.getSession('s_1'))?.completeness.gaps).toEqual([{ from: 12, to: 19 }])
  })

  it('rebuilds a summary that is stale or corrupt', async () => {
    const store = createFileStore({ dir })
    await put(store, 0)
    const stale = await readFile(join(sessionDir(), 'summary.json'), 'utf8')
    await put(store, 1)
    const expected = await store.getSession('s_1')
    await writeFile(join(sessionDir(), 'summary.json'), stale) // as if the process died before rewriting it
    expect(await createFileStore({ dir }).getSession('s_1')).toEqual(expected)
    await writeFile(join(sessionDir(), 'summary.json'), '{"format":1,"batc')
    expect(await createFileStore({ dir }).getSession('s_1')).toEqual(expected)
  })

  it('keeps holds and last-write times across a restart; a damaged hold file still holds', async () => {
    const first = createFileStore({ dir })
    await put(first, 0)
    await first.putBlob({ sessionId: 's_1', blobId: 'b', part: '0', contentType: 'audio/webm', bytes: new Uint8Array([1]) }, 1_000_000)
    await first.putBatch({ sessionId: 's_2', key: 'k', firstSeq: 0, lastSeq: 0, events: recordSession('s_2', 1).events }, 1_000_000)
    await first.putBatch({ sessionId: 's_3', key: 'k', firstSeq: 0, lastSeq: 0, events: recordSession('s_3', 1).events }, 1_000_000)
    expect(await first.setHold('s_2', { reason: 'case 9', since: 42 })).toBe(true)
    expect(await first.setHold('s_3', { reason: 'case 10', since: 43 })).toBe(true)
    await writeFile(join(dir, 'sessions', sessionDirName('s_3'), 'hold.json'), '{"reason":"case 1')

    const second = createFileStore({ dir })
    expect(await second.getHold('s_2')).toEqual({ reason: 'case 9', since: 42 })
    expect(await second.deleteSession('s_2')).toBe('held')
    expect((await second.getHold('s_3'))?.reason).toMatch(/damaged/)
    expect(await second.deleteSession('s_3')).toBe('held')
    // s_1's batch was written now, its blob long ago: the batch is its last write.
    expect(await second.purgeInactive(Date.now() - 60_000)).toEqual({ erased: [], held: ['s_2', 's_3'] })
    expect(await second.purgeInactive(Date.now() + 60_000)).toEqual({ erased: ['s_1'], held: ['s_2', 's_3'] })
    expect((await readdir(join(dir, 'sessions'))).sort()).toEqual([sessionDirName('s_2'), sessionDirName('s_3')])
  })

  it('writes nothing outside its folder, whatever the ids', async () => {
    const store = createFileStore({ dir: join(dir, 'data') })
    await mkdir(join(dir, 'data'))
    const attempts = [
      store.putBatch({ sessionId: '../escape', key: 'k', firstSeq: 0, lastSeq: 0, events: [] }),
      store.putBlob({ sessionId: 's_1', blobId: '..', part: '0', contentType: 'x', bytes: new Uint8Array(1) }),
      store.putBlob({ sessionId: 's_1', blobId: 'b', part: 'a/../../x', contentType: 'x', bytes: new Uint8Array(1) }),
      store.getSession('..'),
      store.deleteSession('../data'),
      store.setHold('../data', { reason: '', since: 0 }),
      store.getHold('..'),
    ]
    for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({ code: 'invalid_id' })
    expect((await readdir(dir)).sort()).toEqual(['data'])
    expect(await readdir(join(dir, 'data'))).toEqual([])
  })
})

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

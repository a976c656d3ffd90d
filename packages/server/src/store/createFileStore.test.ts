import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordSession } from '../testing/events.js'
import { createFileStore } from './createFileStore.js'
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
  const sessionDir = () => join(dir, 'sessions', 's_1')

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

  it('writes nothing outside its folder, whatever the ids', async () => {
    const store = createFileStore({ dir: join(dir, 'data') })
    await mkdir(join(dir, 'data'))
    const attempts = [
      store.putBatch({ sessionId: '../escape', key: 'k', firstSeq: 0, lastSeq: 0, events: [] }),
      store.putBlob({ sessionId: 's_1', blobId: '..', part: '0', contentType: 'x', bytes: new Uint8Array(1) }),
      store.putBlob({ sessionId: 's_1', blobId: 'b', part: 'a/../../x', contentType: 'x', bytes: new Uint8Array(1) }),
      store.getSession('..'),
      store.deleteSession('../data'),
    ]
    for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({ code: 'invalid_id' })
    expect((await readdir(dir)).sort()).toEqual(['data'])
    expect(await readdir(join(dir, 'data'))).toEqual([])
  })
})

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { recordSession } from '../testing/events.js'
import { postBatch, startServer, type TestServer } from '../testing/startServer.js'
import { sweepRetention } from './sweepRetention.js'

const HOUR = 3_600_000

describe('sweepRetention', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('erases sessions the server last wrote more than retentionMs ago, except held ones', async () => {
    let clock = 1_763_766_000_000
    const started = clock
    const running = await startServer({ now: () => clock })
    server = running
    const put = (id: string, startedAt = clock) => postBatch(running.url, recordSession(id, 3, { startedAt }).events)
    await put('s_old', clock + 365 * 24 * HOUR) // recorded by a browser whose clock is a year ahead
    await fetch(`${running.url}/v1/sessions/s_old/blobs/a/0`, { method: 'PUT', body: 'audio' })
    await put('s_held')
    await put('s_written_again')
    await fetch(`${running.url}/v1/sessions/s_held/hold`, { method: 'PUT' })
    clock += 2 * HOUR
    await fetch(`${running.url}/v1/sessions/s_written_again/blobs/a/0`, { method: 'PUT', body: 'later audio' })
    await put('s_new', 0) // … and one whose clock says 1970
    // The events' own times (ts) play no part: only when the server received them.
    const report = await sweepRetention(running.store, { retentionMs: HOUR, now: () => clock })
    expect(report).toEqual({ before: started + HOUR, erased: ['s_old'], held: ['s_held'] })
    expect((await fetch(`${running.url}/v1/sessions/s_old`)).status).toBe(404)
    expect((await fetch(`${running.url}/v1/sessions/s_old/blobs/a/0`)).status).toBe(404)
    for (const id of ['s_held', 's_written_again', 's_new']) expect((await fetch(`${running.url}/v1/sessions/${id}`)).status).toBe(200)
  })

  it('refuses a retention that is not a positive duration', async () => {
    const store = createMemoryStore()
    for (const retentionMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(sweepRetention(store, { retentionMs })).rejects.toMatchObject({ code: 'invalid_options' })
    }
  })
})

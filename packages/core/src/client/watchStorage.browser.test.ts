/**
 * `persist: true` and the storage figures in the status, in a real Chromium: the browser's own
 * `navigator.storage` answers; the test only counts the calls (a wrapper that passes them on) and
 * moves the recorder's wall clock to cross the refresh interval.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { browserClock } from '../util/clock'
import { STORAGE_ESTIMATE_MS } from './watchStorage'
import type { Recorder } from './types'

const calls = { persist: [] as boolean[], estimate: 0 }

function countStorageCalls() {
  const storage = navigator.storage
  const { persist, estimate } = StorageManager.prototype
  storage.persist = async () => {
    const answer = await persist.call(storage)
    calls.persist.push(answer)
    return answer
  }
  storage.estimate = () => {
    calls.estimate++
    return estimate.call(storage)
  }
}

afterEach(async () => {
  await closeAll()
  delete (navigator.storage as Partial<StorageManager>).persist
  delete (navigator.storage as Partial<StorageManager>).estimate
  calls.persist = []
  calls.estimate = 0
})

async function recordMany(recorder: Recorder, count: number) {
  for (let i = 0; i < count; i++) {
    recorder.record('x.note', { i, text: 'n'.repeat(200) })
    if (i % 50 === 49) await recorder.flush()
  }
  await recorder.flush()
}

describe('storage in the status', () => {
  test('persist: true asks navigator.storage.persist() once and reports its answer; estimate() is in the status, asked again only past the interval', async () => {
    countStorageCalls()
    let skew = 0
    const clock = { now: browserClock.now, wallNow: () => Date.now() + skew }
    const recorder = recorderFor(uniqueDb(), { persist: true, clock })
    // Inert until used: nothing is asked of the browser before the recorder opens its storage.
    expect(calls).toEqual({ persist: [], estimate: 0 })
    await recorder.start()
    const first = await waitFor(() => recorder.getSnapshot(), (s) => s.persisted !== undefined && s.storageEstimate !== undefined)
    expect(calls.persist).toHaveLength(1)
    expect(first.persisted).toBe(calls.persist[0])
    expect(first.persisted).toBe(await navigator.storage.persisted())
    expect(first.storageEstimate).toEqual({ usage: expect.any(Number), quota: expect.any(Number), at: expect.any(Number) })
    // The recorder's database is open: the origin uses something, within its quota.
    expect(first.storageEstimate!.usage).toBeGreaterThan(0)
    expect(first.storageEstimate!.usage).toBeLessThan(first.storageEstimate!.quota)

    // 500 events in 11 batches and a second session: the figures are not asked again within the interval.
    await recordMany(recorder, 500)
    await recorder.stop()
    await recorder.start()
    await recordMany(recorder, 10)
    expect(calls.estimate).toBe(1)
    expect(calls.persist).toHaveLength(1)

    skew = STORAGE_ESTIMATE_MS + 1000
    await recordMany(recorder, 10)
    const later = await waitFor(() => recorder.getSnapshot().storageEstimate!, (e) => e.at > first.storageEstimate!.at)
    expect(later.at - first.storageEstimate!.at).toBeGreaterThanOrEqual(STORAGE_ESTIMATE_MS)
    expect(calls.estimate).toBe(2)
    expect(calls.persist).toHaveLength(1)
  })

  test('without persist, persist() is never called and persisted is absent; in-memory storage reports no figures', async () => {
    countStorageCalls()
    const recorder = recorderFor(uniqueDb())
    await recorder.start()
    await waitFor(() => recorder.getSnapshot().storageEstimate, (e) => e !== undefined)
    expect(recorder.getSnapshot().persisted).toBeUndefined()
    expect(calls.persist).toEqual([])

    const inMemory = recorderFor(uniqueDb(), { storage: 'memory', persist: true })
    await inMemory.start()
    await recordMany(inMemory, 10)
    expect(inMemory.getSnapshot()).toMatchObject({ ready: true, storage: 'memory' })
    expect(inMemory.getSnapshot().storageEstimate).toBeUndefined()
    expect(inMemory.getSnapshot().persisted).toBeUndefined()
    expect(calls.persist).toEqual([])
  })

  test('a browser whose storage calls fail leaves the figures out and records on', async () => {
    navigator.storage.persist = () => Promise.reject(new Error('refused'))
    navigator.storage.estimate = () => Promise.reject(new Error('refused'))
    const recorder = recorderFor(uniqueDb(), { persist: true })
    const { id } = await recorder.start()
    await recordMany(recorder, 10)
    await waitFor(() => recorder.getSnapshot().persisted, (p) => p !== undefined)
    expect(recorder.getSnapshot().persisted).toBe(false)
    expect(recorder.getSnapshot().storageEstimate).toBeUndefined()
    expect(recorder.getSnapshot().error).toBeNull()
    expect((await recorder.sessions.events(id)).filter((e) => e.type === 'x.note')).toHaveLength(10)
  })
})

// Capture for production traffic (docs/capture.md) in real Chromium against a real server:
// sampling across tabs, the on-error window (kept on a failure, nothing sent without one, durable
// across a crashed tab, expired when never triggered) and auto capture of console and network.
import type { Page } from '@playwright/test'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sessionPoint } from '../packages/core/src/capture/sessionSampled'
import { expect, test } from './fixtures'
import { syncTargetPerTest } from './support/server'

const target = syncTargetPerTest()

const sync = () => ({ endpoint: target.proxy.url, syncDelayMs: 0, syncIntervalMs: 300 })

/** A session id on the chosen side of the rate (its place in [0, 1) is its hash). */
function sessionId(inSample: boolean, rate: number): string {
  for (let i = 0; ; i++) {
    const id = `s_e2e${i}_${Math.random().toString(36).slice(2, 10)}`
    if (sessionPoint(id) < rate === inSample) return id
  }
}

/** Starts a recorder in the page on session `id` and records `count` steps; its status after a flush. */
async function recordSteps(page: Page, opts: object, id: string, count: number) {
  return page.evaluate(
    async ({ opts, id, count }) => {
      const recorder = window.tapedeck.createRecorder(opts)
      Object.assign(window, { recorderUnderTest: recorder })
      await recorder.start({ sessionId: id })
      for (let i = 0; i < count; i++) recorder.record('x.step', { i })
      await recorder.flush()
      const { sampled, counts, engine } = recorder.getSnapshot()
      if (sampled) await recorder.syncNow()
      return { sampled, accepted: counts.accepted, engine: engine !== null, databases: (await indexedDB.databases()).map((db) => db.name) }
    },
    { opts, id, count },
  )
}

const sentFor = (id: string) => target.proxy.requests.filter((request) => request.session === id)

test('sampling: the decision is the session id’s, the same in two tabs; an unsampled session stores and sends nothing and says so', async ({ profile }) => {
  const opts = { ...sync(), sampleRate: 0.5, dbName: 'sampled' }
  const kept = sessionId(true, 0.5)
  const left = sessionId(false, 0.5)
  const tabs = [await profile.open(), await profile.open()]

  for (const [tab, page] of tabs.entries()) {
    const status = await recordSteps(page, opts, kept, 5 + tab)
    expect(status).toMatchObject({ sampled: true, accepted: 6 + tab, engine: true })
    await page.evaluate(() => window.recorderUnderTest.close())
  }
  await expect.poll(async () => (await target.events(kept)).filter((e) => e.type === 'x.step').length, { timeout: 15_000 }).toBe(11)
  const events = await target.events(kept)
  expect(events[0]).toMatchObject({ type: 'session.started', data: { sampling: { rate: 0.5 } } })
  expect(new Set(events.filter((e) => e.type === 'x.step').map((e) => (e as unknown as { tab: string }).tab)).size).toBe(2)

  for (const page of tabs) {
    const status = await recordSteps(page, { ...opts, dbName: 'unsampled' }, left, 20)
    // Nothing accepted, no engine, no database: not even the recorder's.
    expect(status).toMatchObject({ sampled: false, accepted: 0, engine: false })
    expect(status.databases).not.toContain('unsampled')
    await page.evaluate(() => window.recorderUnderTest.close())
  }
  await tabs[0]!.waitForTimeout(1000) // the sync timer has had its chance
  expect(await target.events(left)).toEqual([])
  expect(sentFor(left)).toEqual([])
})

/** Opens an on-error recorder on a clock the test moves (`window.clockUnderTest.advance(ms)`). */
async function onErrorRecorder(page: Page, opts: object, start: number, sessionId?: string): Promise<string> {
  return page.evaluate(
    async ({ opts, start, sessionId }) => {
      let now = start
      const clock = { now: () => now, wallNow: () => Math.floor(now), advance: (ms: number) => void (now += ms) }
      const recorder = window.tapedeck.createRecorder({ ...opts, mode: 'on-error', clock })
      Object.assign(window, { recorderUnderTest: recorder, clockUnderTest: clock })
      const { id } = await recorder.start(sessionId ? { sessionId } : {})
      return id
    },
    { opts, start, sessionId },
  )
}

/** Records one tick a second from `from` to `to` (seconds), moving the clock. */
async function ticks(page: Page, from: number, to: number) {
  await page.evaluate(
    ({ from, to }) => {
      const { clockUnderTest: clock, recorderUnderTest: recorder } = window as unknown as { clockUnderTest: { advance(ms: number): void }; recorderUnderTest: typeof window.recorderUnderTest }
      for (let second = from; second <= to; second++) {
        clock.advance(1000)
        recorder.record('x.tick', { second })
      }
    },
    { from, to },
  )
}

async function windowRows(page: Page, dbName: string): Promise<string[]> {
  return page.evaluate(
    (name) =>
      new Promise<string[]>((resolve, reject) => {
        const request = indexedDB.open(`${name}:on-error`)
        // No such database: do not create it (the recorder would find it without its stores).
        request.onupgradeneeded = () => request.transaction!.abort()
        request.onerror = () => (request.error?.name === 'AbortError' ? resolve([]) : reject(request.error))
        request.onsuccess = () => {
          const db = request.result
          if (!db.objectStoreNames.contains('events')) return resolve((db.close(), []))
          const all = db.transaction('events').objectStore('events').getAll()
          all.onsuccess = () => {
            db.close()
            resolve(all.result.map((row: { key: [string] }) => row.key[0]))
          }
        }
      }),
    dbName,
  )
}

test('on-error: 5 minutes recorded, a call fails, and the server receives exactly the last 60 s before it and what followed, gapless; an untriggered session sends nothing', async ({ profile }) => {
  const page = await profile.open()
  const start = 1_800_000_000_000
  const untriggered = await onErrorRecorder(page, { ...sync(), dbName: 'quiet' }, start)
  await ticks(page, 1, 120)
  await page.evaluate(() => window.recorderUnderTest.stop())

  const id = await onErrorRecorder(page, { ...sync(), dbName: 'failing' }, start)
  await ticks(page, 1, 300)
  await page.evaluate(async () => {
    ;(window as unknown as { clockUnderTest: { advance(ms: number): void } }).clockUnderTest.advance(500)
    window.recorderUnderTest.record('provider.call.failed', { callId: 'c1', error: { name: 'RateLimitError', message: 'slow down', status: 429 }, latencyMs: 12 })
  })
  await ticks(page, 301, 305)
  await page.evaluate(() => window.recorderUnderTest.stop())

  await expect.poll(async () => (await target.events(id)).at(-1)?.type, { timeout: 15_000 }).toBe('session.ended')
  const events = await target.events(id)
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i))
  expect(events[1]).toMatchObject({ type: 'session.kept', data: { reason: 'provider.call.failed', bufferMs: 60_000, discarded: 240 } })
  const seconds = events.filter((e) => e.type === 'x.tick').map((e) => e.data.second)
  expect(seconds).toEqual([...Array.from({ length: 60 }, (_, i) => 241 + i), 301, 302, 303, 304, 305])
  expect(events.map((e) => e.type).filter((type) => type !== 'x.tick')).toEqual(['session.started', 'session.kept', 'provider.call.failed', 'session.ended'])
  expect(await windowRows(page, 'failing')).toEqual([]) // kept: nothing left in the window's store

  expect(await target.events(untriggered)).toEqual([])
  expect(sentFor(untriggered)).toEqual([])
  expect(await windowRows(page, 'quiet')).toEqual([])
})

test('on-error: a tab that crashes before the trigger leaves its window on disk; the tab that continues the session sends both windows on an error; a window never triggered expires', async ({ profile }) => {
  const start = 1_800_000_000_000
  const first = await profile.open()
  const id = await onErrorRecorder(first, { ...sync(), dbName: 'crashy' }, start)
  await ticks(first, 1, 30)
  // Written behind within 100 ms.
  await expect.poll(() => windowRows(first, 'crashy')).toHaveLength(30)
  expect(new Set(await windowRows(first, 'crashy'))).toEqual(new Set([id]))
  const crashed = first.waitForEvent('crash')
  const cdp = await profile.context.newCDPSession(first)
  void cdp.send('Page.crash').catch(() => undefined) // the renderer dies; no unload handler runs
  await crashed

  const second = await profile.open()
  await onErrorRecorder(second, { ...sync(), dbName: 'crashy' }, start + 35_000, id)
  await ticks(second, 36, 40)
  await second.evaluate(() => window.recorderUnderTest.record('error.raised', { message: 'boom', source: 'window.error' }))
  await second.evaluate(() => window.recorderUnderTest.stop())

  await expect.poll(async () => (await target.events(id)).at(-1)?.type, { timeout: 15_000 }).toBe('session.ended')
  const events = await target.events(id)
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i))
  expect(events.map((e) => e.type).slice(0, 2)).toEqual(['session.started', 'session.kept'])
  expect(events.filter((e) => e.type === 'x.tick').map((e) => e.data.second)).toEqual([...Array.from({ length: 30 }, (_, i) => i + 1), 36, 37, 38, 39, 40])
  expect(events.filter((e) => e.type === 'session.started')).toHaveLength(2) // the crashed tab's, then this tab's
  expect(await windowRows(second, 'crashy')).toEqual([])

  // A window nobody continues is deleted once it has expired, by the next recorder that opens.
  const third = await profile.open()
  await onErrorRecorder(third, { ...sync(), dbName: 'lonely' }, start)
  await ticks(third, 1, 5)
  await expect.poll(() => windowRows(third, 'lonely')).toHaveLength(5)
  await third.close()
  const fourth = await profile.open()
  await onErrorRecorder(fourth, { ...sync(), dbName: 'lonely' }, start + 5_000 + 60_001)
  expect(await windowRows(fourth, 'lonely')).toEqual([])
})

test('auto capture: console errors and failed requests reach the server, redacted, without query strings; the app’s calls are unchanged', async ({ profile }) => {
  // The app's own API, which answers 404 (the recorder's own endpoint is never captured).
  const api = createServer((_request, response) => response.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end('no such order'))
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve))
  const page = await profile.open()
  const missing = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/orders/42?token=SECRET-QUERY-1`
  const result = await page.evaluate(
    async ({ opts, missing }) => {
      const recorder = window.tapedeck.createRecorder({ ...opts, autoCapture: { console: true, network: true } })
      const { id } = await recorder.start()
      console.error('checkout failed for ada@example.com', new TypeError('x is undefined'))
      console.warn('slow answer')
      console.log('not recorded')
      const status = (await fetch(missing)).status
      const xhrStatus = await new Promise<number>((resolve) => {
        const request = new XMLHttpRequest()
        request.open('GET', missing.replace('SECRET-QUERY-1', 'SECRET-QUERY-2'))
        request.onloadend = () => resolve(request.status)
        request.send()
      })
      const refused = await fetch('http://127.0.0.1:9/down?token=SECRET-QUERY-3').then(
        () => 'answered',
        (error: Error) => error.name,
      )
      await recorder.stop()
      return { id, status, xhrStatus, refused }
    },
    { opts: sync(), missing },
  )
  api.close()
  expect(result).toMatchObject({ status: 404, xhrStatus: 404, refused: 'TypeError' })
  await expect.poll(async () => (await target.events(result.id)).at(-1)?.type, { timeout: 15_000 }).toBe('session.ended')
  const events = await target.events(result.id)
  const logged = events.filter((e) => e.type === 'console.logged').map((e) => e.data)
  expect(logged).toEqual([
    { level: 'error', message: 'checkout failed for [email] TypeError: x is undefined', stack: expect.stringContaining('TypeError: x is undefined') },
    { level: 'warn', message: 'slow answer' },
  ])
  const failed = events.filter((e) => e.type === 'network.failed').map((e) => e.data)
  expect(failed).toEqual([
    expect.objectContaining({ via: 'fetch', method: 'GET', url: expect.stringMatching(/^http:\/\/\[ip\]:\d+\/api\/orders\/42$/), status: 404 }),
    expect.objectContaining({ via: 'xhr', method: 'GET', url: expect.stringMatching(/^http:\/\/\[ip\]:\d+\/api\/orders\/42$/), status: 404 }),
    expect.objectContaining({ via: 'fetch', url: 'http://[ip]:9/down', error: 'TypeError: Failed to fetch' }),
  ])
  expect(JSON.stringify(events)).not.toMatch(/SECRET-QUERY|ada@example\.com/)
})

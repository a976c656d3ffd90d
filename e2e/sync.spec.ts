import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { syncTargetPerTest } from './support/server'
import { unexplainedSeqs } from './support/unexplainedSeqs'

const target = syncTargetPerTest()

const options = (extra: object = {}) => ({ endpoint: target.proxy.url, retry: { baseMs: 50, capMs: 500 }, syncDelayMs: 0, syncIntervalMs: 1000, ...extra })
// Chromium's offline emulation (DevTools) does not reach dedicated workers' network again once
// it is switched back on, so the offline test runs the same pipeline on the main thread.
const offlineOptions = () => options({ useWorker: false, maxBatchEvents: 20, maxBatchBytes: 1024 })

async function record(page: Page, opts: object, sessionId: string | null, count: number, stop: boolean) {
  return page.evaluate(
    async ({ opts, sessionId, count, stop }) => {
      const recorder = window.tapedeck.createRecorder(opts)
      Object.assign(window, { recorderUnderTest: recorder })
      const { id } = await recorder.start(sessionId ? { sessionId } : {})
      for (let i = 0; i < count; i++) recorder.record('x.step', { i })
      if (stop) await recorder.stop()
      else await recorder.flush()
      return id
    },
    { opts, sessionId, count, stop },
  )
}

test('offline capture across a reload and a closed tab syncs later, every event exactly once, and nothing is sent while offline', async ({ profile }) => {
  // The app stays loadable offline, as an installed PWA does: a service worker keeps its files.
  const page = await profile.open()
  await page.evaluate(() => window.tapedeck.installOfflineShell())
  await page.reload() // every file of the page now passes through the shell and is kept
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
  await page.evaluate(() => window.tapedeck.createRecorder({ useWorker: false, storage: 'memory' }).ready()) // and the lazily loaded ones
  await profile.context.setOffline(true)
  const id = await record(page, offlineOptions(), null, 200, false)
  expect(await page.evaluate(() => window.recorderUnderTest.getSnapshot().sync)).toMatchObject({ state: 'offline', online: false, pendingEvents: 201 })

  await page.reload()
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
  await record(page, offlineOptions(), id, 200, false)
  await page.close()

  const again = await profile.open()
  await record(again, offlineOptions(), id, 200, true)
  await again.waitForTimeout(1500) // timers and triggers have had their chance
  expect(target.proxy.requests).toEqual([])

  // Back online, behind a faulty network.
  target.proxy.setPlan({ random: { seed: 3, drop: 0.2, loseResponse: 0.2, error5xx: 0.2, tooMany: 0.1 } })
  const onlineAt = Date.now()
  await profile.context.setOffline(false)
  await expect.poll(async () => (await target.events(id)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(600)
  await expect.poll(async () => (await target.events(id)).at(-1)?.type, { timeout: 30_000 }).toBe('session.ended')

  const events = await target.events(id)
  expect(unexplainedSeqs(events)).toEqual([])
  const steps = events.filter((e) => e.type === 'x.step').map((e) => e.data.i as number)
  expect(steps).toEqual([...[...Array(200).keys()], ...[...Array(200).keys()], ...[...Array(200).keys()]])
  expect(target.proxy.requests.every((r) => r.at >= onlineAt)).toBe(true)
  expect(new Set(target.proxy.requests.map((r) => r.action.split(' ')[0])).size).toBeGreaterThan(2)
})

test('two tabs, one uploads; when it dies the other takes over, and nothing arrives twice', async ({ profile }) => {
  target.proxy.setPlan({ fallback: { delayMs: 30 } })
  const [a, b] = [await profile.open(), await profile.open()]
  const idA = await record(a, options(), null, 300, false)
  const roleA = await a.evaluate(() => window.recorderUnderTest.getSnapshot().sync?.role)
  const idB = await record(b, options(), null, 300, false)
  const roleB = await b.evaluate(() => window.recorderUnderTest.getSnapshot().sync?.role)
  expect([roleA, roleB].sort()).toEqual(['follower', 'leader'])
  const [leader, follower, followerId] = roleA === 'leader' ? [a, b, idB] : [b, a, idA]

  // The uploader's tab dies mid-way; the follower keeps recording and takes over.
  const crashed = leader.waitForEvent('crash')
  void (await profile.context.newCDPSession(leader)).send('Page.crash').catch(() => undefined)
  await crashed
  await follower.evaluate(async () => {
    const recorder = window.recorderUnderTest
    for (let i = 300; i < 600; i++) recorder.record('x.step', { i })
    await recorder.stop()
  })
  await expect.poll(() => follower.evaluate(() => window.recorderUnderTest.getSnapshot().sync?.role), { timeout: 15_000 }).toBe('leader')
  await expect.poll(async () => (await target.events(followerId)).at(-1)?.type, { timeout: 30_000 }).toBe('session.ended')

  const events = await target.events(followerId)
  expect(unexplainedSeqs(events)).toEqual([])
  expect(events.filter((e) => e.type === 'x.step').map((e) => e.data.i)).toEqual([...Array(600).keys()])
  // A batch in flight when the uploader died may be sent again by the next one: the server
  // stores it once (201) and answers the repeat as already stored (200).
  const created = target.proxy.requests.filter((r) => r.status === 201).map((r) => r.key)
  expect(new Set(created).size).toBe(created.length)
})

import type { Page } from '@playwright/test'
import { expect, test, type Profile } from './fixtures'
import { unexplainedSeqs } from './support/unexplainedSeqs'
import { syncTargetPerTest } from './support/server'

// Issue 20, "last words": what a user did before closing the tab. Each case records into a
// persistent profile, closes (or crashes) the tab, counts what the server holds BEFORE the page
// is opened again, then reopens it and checks that the server ends with every event exactly
// once and each seq held or explained. With seq leases the page names its events itself and
// sends what the server does not hold yet as it closes (docs/protocol.md §1 and §2): a chat turn
// arrives whole before the tab is gone, with or without a working worker; of a burst, the newest
// that fit the browser's 64 KiB keepalive budget. The counts are also reported (annotations).

// A 10 s recording, a settle, a reopen and its uploads: more than the default minute on a busy machine.
test.describe.configure({ timeout: 120_000 })

const target = syncTargetPerTest()

declare global {
  interface Window {
    /** The worker the recorder under test made (createWorker). */
    recorderWorker: Worker
  }
}

/** What arrives after a close without a return visit has this long to land before it is counted. */
const SETTLE_MS = 2000

/** Starts a recorder with the defaults an app gets, its worker kept at hand; returns the session id. */
async function startRecording(page: Page, endpoint: string): Promise<string> {
  return page.evaluate(async (endpoint) => {
    const recorder = window.tapedeck.createRecorder({
      endpoint,
      createWorker: () => (window.recorderWorker = new Worker('/tapedeck-worker.js', { type: 'module' })),
    })
    Object.assign(window, { recorderUnderTest: recorder })
    const { id } = await recorder.start()
    await recorder.flush()
    return id
  }, endpoint)
}

/** `count` x.step events from `from` on, one every `everyMs` (0: all at once); resolves at the last. */
async function record(page: Page, from: number, count: number, everyMs: number): Promise<void> {
  await page.evaluate(
    ([from, count, everyMs]) => {
      const recorder = window.recorderUnderTest
      if (everyMs === 0) {
        for (let i = from; i < from + count; i++) recorder.record('x.step', { i })
        return
      }
      let i = from
      return new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          recorder.record('x.step', { i: i++ })
          if (i === from + count) {
            clearInterval(timer)
            resolve()
          }
        }, everyMs)
      })
    },
    [from, count, everyMs] as const,
  )
}

/** The x.step `i`s the server holds for the session, as a sorted list (repeats kept). */
async function stepsOnServer(sessionId: string): Promise<number[]> {
  return (await target.events(sessionId))
    .filter((e) => e.type === 'x.step')
    .map((e) => e.data.i as number)
    .sort((a, b) => a - b)
}

/** Counts what the server holds before any return visit, and reports it. */
async function countBeforeReopen(sessionId: string, name: string, recorded: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  const held = new Set(await stepsOnServer(sessionId)).size
  test.info().annotations.push({ type: 'before reopen', description: `${name}: ${held} of ${recorded} on the server` })
  console.log(`last words, ${name}: ${held} of ${recorded} on the server before the page was reopened`)
  return held
}

/**
 * Opens the page again (a recorder on the same profile and endpoint uploads what the closed one
 * left), waits until the server holds `expected` steps, and checks the session there: every step
 * exactly once, each seq once and every seq held or explained by `seq.skipped` (docs/protocol.md §1).
 */
async function reopenAndCheck(profile: Profile, sessionId: string, expected: number[]): Promise<void> {
  const page = await profile.open()
  await page.evaluate(async (endpoint) => {
    await window.tapedeck.createRecorder({ endpoint }).ready()
  }, target.proxy.url)
  await expect.poll(async () => new Set(await stepsOnServer(sessionId)).size, { timeout: 30_000 }).toBeGreaterThanOrEqual(expected.length)
  // The steps may all be there before the reopened page uploads what it wrote itself (the closed
  // page's session.paused, a marker): until then the session ends in a gap.
  await expect.poll(async () => unexplainedSeqs(await target.events(sessionId)), { timeout: 30_000 }).toEqual([])
  const steps = await stepsOnServer(sessionId)
  const expectedSet = new Set(expected)
  expect(steps.filter((i) => expectedSet.has(i))).toEqual(expected)
  expect(new Set(steps).size).toBe(steps.length)
  expect(unexplainedSeqs(await target.events(sessionId))).toEqual([])
  await page.close()
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)

test('a chat turn, 200 events over 10 s, the tab closed 0.1 s after the last: all 200 on the server before any return visit, then every event exactly once', async ({ profile }) => {
  const page = await profile.open()
  const id = await startRecording(page, target.proxy.url)
  await record(page, 0, 200, 50)
  await page.waitForTimeout(100)
  await page.close()
  expect(await countBeforeReopen(id, 'chat turn closed 0.1 s after the last', 200)).toBe(200)
  await reopenAndCheck(profile, id, range(0, 200))
})

test('a chat turn, 200 events over 10 s, the tab closed 1 s after the last: all 200 on the server before any return visit', async ({ profile }) => {
  const page = await profile.open()
  const id = await startRecording(page, target.proxy.url)
  await record(page, 0, 200, 50)
  await page.waitForTimeout(1000)
  await page.close()
  expect(await countBeforeReopen(id, 'chat turn closed 1 s after the last', 200)).toBe(200)
  await reopenAndCheck(profile, id, range(0, 200))
})

test('a burst of 2,000 events right before the close: the newest that fit 64 KiB on the server before any return visit, then every event exactly once', async ({ profile }) => {
  const page = await profile.open()
  const id = await startRecording(page, target.proxy.url)
  await record(page, 0, 2000, 0)
  await page.close()
  // The newest that fit 64 KiB of gzip and the 50 ms build cap (592 chat-sized events in
  // bench/lastWords.mjs; at least 300 asserted, as in keepaliveTail.spec.ts).
  expect(await countBeforeReopen(id, 'burst of 2,000 closed right after', 2000)).toBeGreaterThanOrEqual(300)
  expect(await stepsOnServer(id)).toContain(1999)
  await reopenAndCheck(profile, id, range(0, 2000))
})

test('the worker stuck (paused) while the page goes on recording, then the tab closed: all 200 on the server before any return visit, then every event exactly once', async ({ profile }) => {
  const page = await profile.open()
  const id = await startRecording(page, target.proxy.url)
  await record(page, 0, 100, 20)
  const { paused } = await pauseWorkers(page)
  await record(page, 100, 100, 20)
  // The worker stopped at the first batch after the pause: it has stored nothing since.
  await paused
  await page.waitForTimeout(100)
  await page.close()
  // The page stamps from the block it holds and sends what the server lacks itself.
  expect(await countBeforeReopen(id, 'worker stuck for the last 100 of 200', 200)).toBe(200)
  await reopenAndCheck(profile, id, range(0, 200))
})

test('the worker dead (terminated) while the page goes on recording, then the tab closed: all 200 on the server before any return visit, then every event exactly once', async ({ profile }) => {
  const page = await profile.open()
  const id = await startRecording(page, target.proxy.url)
  await record(page, 0, 100, 20)
  await page.evaluate(() => window.recorderWorker.terminate())
  await record(page, 100, 100, 20)
  await page.waitForTimeout(100)
  await page.close()
  expect(await countBeforeReopen(id, 'worker dead for the last 100 of 200', 200)).toBe(200)
  await reopenAndCheck(profile, id, range(0, 200))
})

test('a crashed renderer: what was sent stays sent, the durable rest arrives at the next visit, exactly once and gapless', async ({ profile }) => {
  const page = await profile.open()
  const id = await startRecording(page, target.proxy.url)
  await record(page, 0, 100, 20)
  await expect.poll(async () => new Set(await stepsOnServer(id)).size, { timeout: 20_000 }).toBe(100)
  // From here the server refuses uploads: the next 100 are durable in the browser, not sent.
  target.proxy.setPlan({ fallback: { status: 503 } })
  await record(page, 100, 100, 0)
  await page.evaluate(() => window.recorderUnderTest.flush())
  // Recorded right before the crash: maybe stored, maybe not; if stored, exactly once.
  await record(page, 200, 20, 0)
  const survivor = await profile.context.newPage() // keeps the browser up while the tab dies
  const crashed = page.waitForEvent('crash')
  const cdp = await profile.context.newCDPSession(page)
  void cdp.send('Page.crash').catch(() => undefined) // no unload handler runs
  await crashed
  // What was sent stays sent, and nothing else could arrive.
  expect(await countBeforeReopen(id, 'renderer crashed after 100 sent, 100 durable and 20 in flight', 220)).toBe(100)
  target.proxy.setPlan({ fallback: 'pass' })
  await reopenAndCheck(profile, id, range(0, 200))
  await survivor.close()
})

/**
 * Pauses every dedicated worker of the page in the debugger: it stays alive and answers nothing,
 * as a worker stuck in a long task does. Playwright gives workers no DevTools session; the page's
 * session attaches to them (not flattened) and talks to each through Target.sendMessageToTarget.
 * Resolves once asked; `paused` resolves when a worker has stopped (at the next task it runs).
 */
async function pauseWorkers(page: Page): Promise<{ paused: Promise<void> }> {
  const cdp = await page.context().newCDPSession(page)
  const asked: Promise<unknown>[] = []
  const paused = new Promise<void>((resolve) => {
    cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
      if ((JSON.parse(message) as { method?: string }).method === 'Debugger.paused') resolve()
    })
  })
  cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type !== 'worker') return
    const send = (id: number, method: string) => cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
    asked.push(send(1, 'Debugger.enable').then(() => send(2, 'Debugger.pause')))
  })
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false })
  await expect.poll(() => asked.length).toBeGreaterThan(0)
  await Promise.all(asked)
  return { paused }
}

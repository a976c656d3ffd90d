import type { Page } from '@playwright/test'
import { expect, test, type Profile } from './fixtures'
import { unexplainedSeqs } from './support/unexplainedSeqs'
import { syncTargetPerTest } from './support/server'

// What a closing tab sends itself (docs/protocol.md §1 "Explained gaps", §2 "One event, stored
// once"): the page stamps its batches with seqs leased from its worker and, when it is hidden or
// closing, sends the newest of them with fetch keepalive. The server counts what arrived BEFORE the
// page is opened again; then a new visit uploads the rest, and every event is there exactly once,
// every seq held or explained.

const target = syncTargetPerTest()

declare global {
  interface Window {
    /** The worker the recorder under test started (see `recordInto`). */
    recorderWorker: Worker
  }
}

type Held = Array<{ seq: number; type: string; data: Record<string, unknown> }>

/** The `x.token` indices the server holds, and whether any is held twice (under two seqs). */
function tokens(events: Held): { indices: Set<number>; twice: number[] } {
  const seen = new Map<number, number>()
  for (const event of events) if (event.type === 'x.token') seen.set(event.data.i as number, (seen.get(event.data.i as number) ?? 0) + 1)
  return { indices: new Set(seen.keys()), twice: [...seen].filter(([, n]) => n > 1).map(([i]) => i) }
}

/** Waits until the server's count of `x.token` stops changing for 1 s (at most 6 s): what arrived. */
async function settled(sessionId: string): Promise<Held> {
  let events = await target.events(sessionId)
  for (let waited = 0; waited < 6000; waited += 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const now = await target.events(sessionId)
    if (now.length === events.length) return now
    events = now
  }
  return events
}

/** Opens a page in the profile with a recorder syncing to the server; its worker kept at hand. */
async function openRecording(profile: Profile): Promise<{ page: Page; id: string }> {
  const page = await profile.open()
  const id = await page.evaluate(async (endpoint) => {
    const recorder = window.tapedeck.createRecorder({
      endpoint,
      createWorker: () => (window.recorderWorker = new Worker('/tapedeck-worker.js', { type: 'module' })),
    })
    Object.assign(window, { recorderUnderTest: recorder })
    const { id } = await recorder.start()
    // A page that has been open a moment: its lease is in hand.
    await new Promise((resolve) => setTimeout(resolve, 300))
    return id
  }, target.proxy.url)
  return { page, id }
}

/** A later visit: a new tab starts a recorder, which uploads what earlier pages left. */
async function revisit(profile: Profile): Promise<void> {
  const page = await profile.open()
  await page.evaluate(async (endpoint) => {
    const recorder = window.tapedeck.createRecorder({ endpoint })
    await recorder.ready()
    Object.assign(window, { laterVisit: recorder })
  }, target.proxy.url)
}

test('a chat turn: 200 events over 10 s, the tab closed 0.1 s after the last — all 200 on the server before any return, once each', async ({ profile }) => {
  const { page, id } = await openRecording(profile)
  await page.evaluate(async () => {
    const recorder = (window as unknown as { recorderUnderTest: ReturnType<typeof window.tapedeck.createRecorder> }).recorderUnderTest
    for (let i = 0; i < 200; i++) {
      recorder.record('x.token', { i, text: `token ${i} of the answer` })
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  })
  await page.close({ runBeforeUnload: true })

  const before = tokens(await settled(id))
  expect(before.twice).toEqual([])
  expect(before.indices.size, 'x.token events on the server before the page was opened again').toBe(200)
})

test('a burst of 2,000 events right before the close: the newest that fit 64 KiB arrive before any return, the rest at the next visit, exactly once and gapless', async ({ profile }) => {
  const { page, id } = await openRecording(profile)
  await page.evaluate(() => {
    const recorder = (window as unknown as { recorderUnderTest: ReturnType<typeof window.tapedeck.createRecorder> }).recorderUnderTest
    const words = 'the assistant streams a long answer about flight recorders and keepalive budgets'
    for (let i = 0; i < 2000; i++) recorder.record('x.token', { i, text: `${words} ${i} ${Math.random().toString(36).slice(2)}` })
  })
  await page.close({ runBeforeUnload: true })

  const before = tokens(await settled(id))
  expect(before.twice).toEqual([])
  // Newest first: the last event recorded is among those that arrived, and many of the others.
  expect(before.indices.has(1999), 'the newest event arrived before the page was opened again').toBe(true)
  expect(before.indices.size).toBeGreaterThanOrEqual(300)
  test.info().annotations.push({ type: 'before return', description: `${before.indices.size} of 2000` })

  await revisit(profile)
  await expect.poll(async () => tokens(await target.events(id)).indices.size, { timeout: 30_000 }).toBe(2000)
  const after = await target.events(id)
  expect(tokens(after).twice).toEqual([])
  expect(unexplainedSeqs(after)).toEqual([])
})

test('the worker dead before the close: the page still sends its newest events itself, and the next visit the rest, exactly once and gapless', async ({ profile }) => {
  const { page, id } = await openRecording(profile)
  await page.evaluate(() => {
    const recorder = (window as unknown as { recorderUnderTest: ReturnType<typeof window.tapedeck.createRecorder> }).recorderUnderTest
    window.recorderWorker.terminate()
    for (let i = 0; i < 300; i++) recorder.record('x.token', { i, text: `recorded after the worker died ${i}` })
  })
  await page.close({ runBeforeUnload: true })

  const before = tokens(await settled(id))
  expect(before.twice).toEqual([])
  expect(before.indices.size, 'events recorded after the worker died, on the server before any return').toBe(300)

  await revisit(profile)
  await expect.poll(async () => unexplainedSeqs(await target.events(id)), { timeout: 30_000 }).toEqual([])
  expect(tokens(await target.events(id)).twice).toEqual([])
  expect(tokens(await target.events(id)).indices.size).toBe(300)
})

test('a crashed renderer: what was sent stays sent, what was stored goes at the next visit, exactly once and gapless', async ({ profile }) => {
  const { page, id } = await openRecording(profile)
  await page.evaluate(async () => {
    const recorder = (window as unknown as { recorderUnderTest: ReturnType<typeof window.tapedeck.createRecorder> }).recorderUnderTest
    for (let i = 0; i < 100; i++) recorder.record('x.token', { i, text: `uploaded before the crash ${i}` })
    await recorder.syncNow()
    for (let i = 100; i < 200; i++) recorder.record('x.token', { i, text: `stored, not uploaded ${i}` })
    await recorder.flush()
  })
  const sent = tokens(await target.events(id)).indices
  expect(sent.size).toBeGreaterThanOrEqual(100)
  const survivor = await profile.context.newPage() // keeps the browser up while the other tab dies
  const crashed = page.waitForEvent('crash')
  const cdp = await profile.context.newCDPSession(page)
  void cdp.send('Page.crash').catch(() => undefined) // no unload handler runs: nothing is sent at the close
  await crashed

  const before = tokens(await settled(id))
  for (const i of sent) expect(before.indices.has(i)).toBe(true)

  await revisit(profile)
  await expect.poll(async () => tokens(await target.events(id)).indices.size, { timeout: 30_000 }).toBe(200)
  const after = await target.events(id)
  expect(tokens(after).twice).toEqual([])
  expect(unexplainedSeqs(after)).toEqual([])
})

/**
 * A batch recorded while the page's first lease is on its way is saved unstamped when the page is
 * hidden; the lease arrives, the batch is stamped and its copy saved again, stamped; the worker
 * never stores it (its ingests are lost); the page is shown again, then closed. `loseResave`: the
 * stamped re-save never reaches the disk (the page went before it committed).
 */
async function closeAfterLateLease(profile: Profile, loseResave: boolean): Promise<string> {
  const page = await profile.open()
  const id = await page.evaluate(
    async ([endpoint, loseResave]) => {
      // The page's messages to its worker (`ingest`: a batch): the one that opens the session, and
      // brings the page its first block of seqs with its answer, held; batches after it lost.
      const control = { holdStart: true, loseIngests: false, held: [] as Array<() => void> }
      if (loseResave) {
        const put = IDBObjectStore.prototype.put
        // A re-save names its key; the first save of a copy does not. Its transaction, committed,
        // ends as it does when the page goes first: aborted (a leaving document's connections close so).
        IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
          const request = put.call(this, value, key)
          const tx = this.transaction
          if (this.name === 'tail' && key !== undefined) tx.commit = () => queueMicrotask(() => tx.abort())
          return request
        }
      }
      const recorder = window.tapedeck.createRecorder({
        endpoint,
        createWorker: () =>
          window.tapedeck.interceptedWorker((data, post) => {
            const message = data as { ingest?: number; batch?: { lease?: number } } | null
            if (message?.batch?.lease && control.holdStart) {
              control.held.push(post)
              return true
            }
            return typeof message?.ingest === 'number' && control.loseIngests
          }),
      })
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
      const started = recorder.start() // resolves once the start is stored: after it is let go below
      while (control.held.length === 0) await sleep(10)
      const id = recorder.getSnapshot().session!.id
      // Recorded while the first lease is on its way: the batch waits for it, unstamped...
      for (let i = 0; i < 50; i++) recorder.record('x.token', { i, text: `waited for its lease ${i}` })
      // ...when the page is hidden (another tab in front): its copy is saved as it is.
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true })
      document.dispatchEvent(new Event('visibilitychange'))
      await sleep(300)
      // The start is stored and the lease arrives: the batch is stamped; the worker never stores it (it hangs, say).
      control.loseIngests = true
      control.holdStart = false
      for (const go of control.held.splice(0)) go()
      await started
      await sleep(300)
      delete (document as unknown as { visibilityState?: string }).visibilityState
      document.dispatchEvent(new Event('visibilitychange'))
      return id
    },
    [target.proxy.url, loseResave] as const,
  )
  await page.close({ runBeforeUnload: true })
  return id
}

test('a batch saved unstamped at a hide, stamped later and sent as the tab closes, never stored by the worker: the next visit stores it under the same seqs, not twice', async ({ profile }) => {
  const id = await closeAfterLateLease(profile, false)
  const before = tokens(await settled(id))
  expect(before.indices.size, 'the stamped batch, sent by the closing page').toBe(50)

  await revisit(profile)
  await expect.poll(async () => (await target.events(id)).some((e) => e.type === 'session.paused'), { timeout: 30_000 }).toBe(true)
  const after = await target.events(id)
  expect(tokens(after).twice).toEqual([])
  expect(unexplainedSeqs(after)).toEqual([])
})

test('the same, with the stamped re-save lost with the page: the page does not send the batch itself, and the next visit stores it once', async ({ profile }) => {
  const id = await closeAfterLateLease(profile, true)
  // Its only saved copy names it unstamped: the next start stores it under new seqs, so the page must not have sent it.
  expect.soft(tokens(await settled(id)).indices.size, 'x.token events the closing page sent').toBe(0)

  await revisit(profile)
  await expect.poll(async () => tokens(await target.events(id)).indices.size, { timeout: 30_000 }).toBe(50)
  await expect.poll(async () => (await target.events(id)).some((e) => e.type === 'session.paused'), { timeout: 30_000 }).toBe(true)
  const after = await target.events(id)
  expect(tokens(after).twice).toEqual([])
  expect(unexplainedSeqs(after)).toEqual([])
})

test('events recorded while the page leaves (a pagehide listener after the recorder’s own, as recordRealtime’s), never stored by the worker: on the server once each, after the page-left mark', async ({ profile }) => {
  const page = await profile.open()
  const id = await page.evaluate(async (endpoint) => {
    // The worker gets nothing once the page is leaving (it dies with the page before storing it).
    let leaving = false
    const recorder = window.tapedeck.createRecorder({
      endpoint,
      createWorker: () => window.tapedeck.interceptedWorker((message) => typeof (message as { ingest?: number } | null)?.ingest === 'number' && leaving),
    })
    const { id } = await recorder.start()
    for (let i = 0; i < 20; i++) recorder.record('x.token', { i, text: `before the close ${i}` })
    await recorder.flush()
    // Added after the recorder's listener: it runs after the recorder saved its page-hide copy.
    window.addEventListener('pagehide', () => {
      leaving = true
      for (let i = 20; i < 23; i++) recorder.record('x.token', { i, text: `while the page leaves ${i}` })
    })
    return id
  }, target.proxy.url)
  await page.close({ runBeforeUnload: true })
  const before = tokens(await settled(id))
  expect(before.twice).toEqual([])

  await revisit(profile)
  await expect.poll(async () => tokens(await target.events(id)).indices.size, { timeout: 30_000 }).toBe(23)
  const after = await settled(id)
  console.log(`before return: ${before.indices.size} of 23; after: ${after.map((e) => `${e.seq}:${e.type}${e.type === 'x.token' ? e.data.i : ''}`).slice(-8).join(' ')}`)
  expect(tokens(after).twice).toEqual([])
  // The page-left mark comes after what was recorded while the page left (the session is suspended, not interrupted).
  expect(after.findLast((e) => e.type !== 'seq.skipped')?.type).toBe('session.paused')
  expect(unexplainedSeqs(after)).toEqual([])
})

import { expect, test } from './fixtures'

/** Reads a session back in a fresh recorder on the page; returns what a test needs to judge it. */
async function readBack(page: import('@playwright/test').Page, sessionId: string) {
  return page.evaluate(async (id) => {
    const recorder = window.tapedeck.createRecorder()
    await recorder.ready()
    const events = await recorder.sessions.events(id)
    const session = await recorder.sessions.get(id)
    return {
      recovered: recorder.getSnapshot().recovered,
      status: session?.status,
      leases: (session as { leases?: Array<{ next: number; to: number }> } | undefined)?.leases ?? [],
      seqs: events.map((e) => e.seq),
      types: events.map((e) => e.type),
      data: events.map((e) => e.data as Record<string, unknown>),
    }
  }, sessionId)
}

/**
 * Every seq from 0 to the last is held once, explained by a `seq.skipped` marker, or still leased
 * to a live tab (docs/protocol.md §1: pages name events from blocks of seqs; what they never use
 * is explained when the block closes).
 */
function covered(back: { seqs: number[]; types: string[]; data: Array<Record<string, unknown>>; leases?: Array<{ next: number; to: number }> }): boolean {
  const held = new Set(back.seqs)
  if (held.size !== back.seqs.length || back.seqs.some((seq, i) => i > 0 && seq <= back.seqs[i - 1]!)) return false
  const ranges = back.types.flatMap((type, i) => (type === 'seq.skipped' ? [{ from: back.data[i]!.from as number, to: back.data[i]!.to as number }] : []))
  for (const lease of back.leases ?? []) ranges.push({ from: lease.next, to: lease.to })
  for (let seq = 0; seq <= Math.max(-1, ...back.seqs); seq++) {
    if (!held.has(seq) && !ranges.some((range) => range.from <= seq && seq <= range.to)) return false
  }
  return true
}

test('10,000 events recorded, then the page reloaded: all read back in order with gapless seq', async ({ profile }) => {
  const page = await profile.open()
  const id = await page.evaluate(async () => {
    const recorder = window.tapedeck.createRecorder()
    const { id } = await recorder.start({ userId: 'u1' })
    for (let i = 0; i < 10_000; i++) recorder.record('message.created', { messageId: `m${i}`, role: 'user', content: `message ${i}` })
    await recorder.flush()
    return id
  })
  await page.reload()
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
  const back = await readBack(page, id)
  expect(back.types.filter((type) => type !== 'seq.skipped')).toHaveLength(10_002)
  expect(covered(back)).toBe(true)
  expect(back.data.slice(1, 10_001).every((d, i) => d.content === `message ${i}`)).toBe(true)
  // A reload is not a crash: the page left through pagehide and said so, so the session is
  // suspended (start({ sessionId }) resumes it), not interrupted, with everything in it.
  expect(back.recovered).toEqual([])
  expect(back.status).toBe('suspended')
  expect(back.types.at(-1)).toBe('session.paused')
  expect(back.data.at(-1)).toEqual({ reason: 'page-left' })
  const resumed = await page.evaluate(async (sessionId) => {
    const recorder = window.tapedeck.createRecorder()
    const info = await recorder.start({ sessionId })
    await recorder.flush()
    return { resumed: info.resumed, status: (await recorder.sessions.get(sessionId))?.status }
  }, id)
  expect(resumed).toEqual({ resumed: true, status: 'active' })
})

test('a tab closed right after await flush() loses nothing', async ({ profile }) => {
  const page = await profile.open()
  const id = await page.evaluate(async () => {
    const recorder = window.tapedeck.createRecorder()
    const { id } = await recorder.start()
    for (let i = 0; i < 500; i++) recorder.record('x.step', { i })
    await recorder.flush()
    return id
  })
  await page.close()
  const back = await readBack(await profile.open(), id)
  expect(back.types.filter((type) => type === 'x.step')).toHaveLength(500)
  expect(covered(back)).toBe(true)
})

test('a tab closed without flush() loses nothing it recorded, and stores nothing twice', async ({ profile }) => {
  // The page saves what its worker has not confirmed when it is hidden or closed; the next
  // recorder stores those batches unless the worker did. Several rounds: the race goes both ways.
  for (let round = 0; round < 5; round++) {
    const page = await profile.open()
    const id = await page.evaluate(async () => {
      const recorder = window.tapedeck.createRecorder({ dbName: 'closing' })
      const { id } = await recorder.start()
      await recorder.flush()
      for (let i = 0; i < 100; i++) recorder.record('x.step', { i })
      return id // no flush: the page closes with the events in flight
    })
    await page.close({ runBeforeUnload: true })
    const reader = await profile.open()
    const back = await reader.evaluate(async (id) => {
      const recorder = window.tapedeck.createRecorder({ dbName: 'closing' })
      const events = await recorder.sessions.events(id)
      return {
        seqs: events.map((e) => e.seq),
        types: events.map((e) => e.type as string),
        data: events.map((e) => e.data as Record<string, unknown>),
        steps: events.filter((e) => e.type === 'x.step').map((e) => (e.data as { i: number }).i),
      }
    }, id)
    expect(back.steps).toEqual([...Array(100).keys()])
    expect(covered(back)).toBe(true)
    await reader.close()
  }
})

test('a tab killed mid-session: the next start marks the session interrupted and keeps its durable events', async ({ profile }) => {
  const page = await profile.open()
  const id = await page.evaluate(async () => {
    const recorder = window.tapedeck.createRecorder()
    const { id } = await recorder.start({ label: 'doomed' })
    for (let i = 0; i < 1000; i++) recorder.record('x.durable', { i })
    await recorder.flush()
    // Still being recorded when the tab dies: buffered, maybe not yet stored.
    for (let i = 0; i < 10; i++) recorder.record('x.in-flight', { i })
    return id
  })
  const survivor = await profile.context.newPage() // keeps the browser up while the other tab dies
  const crashed = page.waitForEvent('crash')
  const cdp = await profile.context.newCDPSession(page)
  void cdp.send('Page.crash').catch(() => undefined) // the renderer dies; no unload handler runs
  await crashed

  await survivor.goto('/')
  await survivor.waitForSelector('body[data-ready="true"]', { state: 'attached' })
  const back = await readBack(survivor, id)
  expect(back.recovered).toEqual([id])
  expect(back.status).toBe('interrupted')
  expect(back.types.filter((type) => type === 'x.durable')).toHaveLength(1000)
  expect(back.types.at(-1)).toBe('session.interrupted')
  expect(covered(back)).toBe(true)
})

test('a tab killed after it was only hidden (another tab in front) is still interrupted', async ({ profile }) => {
  const page = await profile.open()
  const id = await page.evaluate(async () => {
    const recorder = window.tapedeck.createRecorder()
    const { id } = await recorder.start({ label: 'hidden, then killed' })
    for (let i = 0; i < 100; i++) recorder.record('x.durable', { i })
    await recorder.flush()
    // The page goes to the background: visibilitychange, no pagehide.
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
    document.dispatchEvent(new Event('visibilitychange'))
    await new Promise((resolve) => setTimeout(resolve, 100))
    return id
  })
  const survivor = await profile.context.newPage()
  const crashed = page.waitForEvent('crash')
  const cdp = await profile.context.newCDPSession(page)
  void cdp.send('Page.crash').catch(() => undefined) // the renderer dies; no pagehide runs
  await crashed

  await survivor.goto('/')
  await survivor.waitForSelector('body[data-ready="true"]', { state: 'attached' })
  const back = await readBack(survivor, id)
  expect(back.recovered).toEqual([id])
  expect(back.status).toBe('interrupted')
  expect(back.types.at(-1)).toBe('session.interrupted')
  expect(back.types.filter((type) => type === 'x.durable')).toHaveLength(100)
})

test('two tabs record at once, each its own session and both one shared conversation, without loss or mixing', async ({ profile }) => {
  const [a, b] = await Promise.all([profile.open(), profile.open()])
  const record = (page: import('@playwright/test').Page, label: string) =>
    page.evaluate(async (label) => {
      const own = window.tapedeck.createRecorder({ dbName: 'tapedeck' })
      const shared = window.tapedeck.createRecorder({ dbName: 'tapedeck' })
      const { id } = await own.start({ label })
      await shared.start({ sessionId: 'shared-conversation' })
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 50; i++) {
          own.record('x.own', { label, n: round * 50 + i })
          shared.record('x.shared', { label, n: round * 50 + i })
        }
        await new Promise((resolve) => setTimeout(resolve, 5)) // let the other tab interleave
      }
      await Promise.all([own.stop(), shared.flush()])
      return id
    }, label)
  const [idA, idB] = await Promise.all([record(a, 'A'), record(b, 'B')])

  for (const [id, label] of [[idA, 'A'], [idB, 'B']] as const) {
    const back = await readBack(a, id)
    expect(covered(back)).toBe(true)
    const own = back.data.filter((_d, i) => back.types[i] === 'x.own')
    expect(own.map((d) => d.n)).toEqual([...Array(1000).keys()])
    expect(own.every((d) => d.label === label)).toBe(true)
  }
  const shared = await readBack(a, 'shared-conversation')
  expect(covered(shared)).toBe(true)
  for (const label of ['A', 'B']) {
    const mine = shared.data.filter((d, i) => shared.types[i] === 'x.shared' && d.label === label)
    expect(mine.map((d) => d.n)).toEqual([...Array(1000).keys()])
  }
})

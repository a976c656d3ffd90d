import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page, type TestInfo } from '@playwright/test'
import { evaluate, loadRecording, postResults } from '@tapedeck/player'
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs'
import { expect, test } from './fixtures'
import { ingestSessions, longSession, studioSessions } from './support/studioData'
import { KEYS, startStudioServer, type StudioServer } from './support/studioServer'

// Tapedeck Studio as a person uses it: `tapedeck-server` (the built CLI) serving the Studio at
// `/`, six sessions sent through its ingest path, a real Chromium. Each page's screenshot is
// attached to the report.

let server: StudioServer
let browser: Browser

test.beforeAll(async () => {
  server = await startStudioServer()
  browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] })
})
test.afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function newContext(viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  return browser.newContext({ viewport, baseURL: server.url })
}

/** Opens the Studio and signs in with a key (and a reviewer name). */
async function signIn(context: BrowserContext, key: string, path = '/'): Promise<Page> {
  const page = await context.newPage()
  await page.goto(path)
  await page.getByLabel('Read or review key').fill(key)
  await page.getByLabel('Your name, on your reviews').fill('Ada Reviewer')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('navigation', { name: 'Pages', exact: true })).toBeVisible()
  return page
}

/** A screenshot in the report, and no serious or critical accessibility violation on the page. */
async function check(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const body = await page.screenshot({ fullPage: false })
  await testInfo.attach(name, { body, contentType: 'image/png' })
  // STUDIO_SHOTS=<dir>: the screenshots as files too, to look at.
  if (process.env.STUDIO_SHOTS) writeFileSync(join(process.env.STUDIO_SHOTS, `${name}.png`), body)
  const results = await new AxeBuilder({ page }).analyze()
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), name).toEqual([])
}

const playhead = (page: Page) => page.getByRole('slider', { name: 'Timeline' }).evaluate((el) => Number(el.getAttribute('aria-valuenow')))

test('sign in: a wrong key is refused, a read key opens the Studio for this tab only', async ({}, testInfo) => {
  const context = await newContext()
  const page = await context.newPage()
  await page.goto('/')
  await check(page, testInfo, 'sign-in')
  await page.getByLabel('Read or review key').fill('not-a-key')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toHaveText('The server does not know this key.')
  await page.getByLabel('Read or review key').fill(KEYS.ingest)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toContainText('cannot read sessions')

  await page.getByLabel('Read or review key').fill(KEYS.read)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('navigation', { name: 'Pages', exact: true })).toBeVisible()
  // Kept in sessionStorage: a reload keeps it, another tab does not have it, localStorage never has it.
  await page.reload()
  await expect(page.getByRole('navigation', { name: 'Pages', exact: true })).toBeVisible()
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(KEYS.read)
  const other = await context.newPage()
  await other.goto('/')
  await expect(other.getByLabel('Read or review key')).toBeVisible()
  // Sign out forgets it.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByLabel('Read or review key')).toBeVisible()
  expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain(KEYS.read)
  await context.close()
})

test('sessions: the finder lists every session; filters and pages live in the URL', async ({}, testInfo) => {
  const context = await newContext()
  const page = await signIn(context, KEYS.read, '/#/sessions')
  const rows = page.getByRole('table', { name: 'Sessions' }).locator('tbody tr:not(.hit-row)')
  await expect(rows).toHaveCount(server.sessions.length)
  await check(page, testInfo, 'sessions')
  // A filter goes into the URL; the URL alone gives the same view in a new tab.
  await page.getByLabel('User').fill('chen')
  await page.getByLabel('User').press('Enter')
  await expect(page).toHaveURL(/#\/sessions\?userId=chen/)
  await expect(rows).toHaveCount(server.sessions.filter((s) => s.userId === 'chen').length)
  // (A new tab has no key: sessionStorage is per tab. Signed in there, the URL gives the same view.)
  const shared = await signIn(context, KEYS.read, page.url().slice(server.url.length))
  await expect(shared.getByRole('table', { name: 'Sessions' }).locator('tbody tr:not(.hit-row)')).toHaveCount(2)
  await page.getByLabel('Status').selectOption('interrupted')
  await expect(page).toHaveURL(/status=interrupted/)
  await expect(page.getByText('No session matches.')).toBeVisible()
  await context.close()
})

test('sessions: a linked server stream is listed under its parent session, not as a session of its own', async ({}, testInfo) => {
  // A server of its own, so the other tests' counts and totals stay those of the six sessions.
  const own = await startStudioServer({ seed: false })
  const parent = studioSessions().find((session) => session.id === 's_small_5')!
  await ingestSessions(own.url, KEYS.ingest, [parent])
  // What @tapedeck/node sends for the app's backend (docs/protocol.md §7): a session of its own with Tapedeck-Parent.
  const ts = parent.events[0]!.ts
  const stream = [
    { v: 1, id: 'e_srv_0', sessionId: 'srv_e2e_stream', seq: 0, ts: ts + 5, t: 0, tab: 'node_1', type: 'session.started', data: { parent: parent.id, stream: 'server', service: 'api' } },
    { v: 1, id: 'e_srv_1', sessionId: 'srv_e2e_stream', seq: 1, ts: ts + 10, t: 5, tab: 'node_1', type: 'session.ended', data: { lastSeq: 1 } },
  ]
  const sent = await fetch(`${own.url}/v1/batches`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${KEYS.ingest}`, 'Content-Type': 'application/x-ndjson', 'Idempotency-Key': 'k_srv', 'Tapedeck-Session': 'srv_e2e_stream', 'Tapedeck-Seq': '0-1', 'Tapedeck-Parent': parent.id },
    body: stream.map((e) => `${JSON.stringify(e)}\n`).join(''),
  })
  expect(sent.status).toBe(201)
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: own.url })
  const page = await signIn(context, KEYS.read, '/#/sessions')
  const rows = page.getByRole('table', { name: 'Sessions' }).locator('tbody tr:not(.hit-row)')
  await expect(rows).toHaveCount(1)
  const nested = rows.first().getByRole('list', { name: 'Linked streams' }).getByRole('link', { name: 'Server stream srv_e2e_stream' })
  await expect(nested).toBeVisible()
  await check(page, testInfo, 'sessions-linked-stream')
  await nested.click()
  await expect(page).toHaveURL(/#\/sessions\/srv_e2e_stream/)
  await context.close()
  await own.close()
})

test('session: opens at the first message, not on an empty 0:00; a hit named in the URL opens at its moment', async ({}, testInfo) => {
  const context = await newContext()
  const refund = server.sessions.find((s) => s.id === 's_refund_2')!
  const firstMessage = refund.events.find((e) => e.type === 'message.created')!
  expect(firstMessage.t).toBeGreaterThan(3000)
  const page = await signIn(context, KEYS.read, `/#/sessions/${refund.id}`)
  await expect(page.getByRole('slider', { name: 'Timeline' })).toBeVisible()
  expect(await playhead(page)).toBe(firstMessage.t)
  const current = page.locator('.row[aria-current="true"]')
  await expect(current).toContainText('I want a refund for my broken kettle.')
  // The call's details, in a panel nothing covers (its centre is the topmost element there).
  const details = page.getByRole('region', { name: 'Call details' })
  await expect(details.locator('[data-field="model"]')).toHaveText('claude-3-5-haiku')
  const box = (await details.boundingBox())!
  expect(await page.evaluate(([x, y]) => !!document.elementFromPoint(x!, y!)?.closest('.tapedeck-call-details'), [box.x + box.width / 2, box.y + Math.min(box.height / 2, 40)])).toBe(true)
  await check(page, testInfo, 'session')

  // A search hit named in the URL: the tool argument of another session, seq in `hit`.
  const route = server.sessions.find((s) => s.id === 's_route_3')!
  const hit = route.events.find((e) => e.type === 'tool.call.started')!
  await page.goto(`/#/sessions/${route.id}?hit=${hit.seq}&q=zebracrossing`)
  await expect(page.locator('.replay')).toHaveAttribute('data-session', route.id)
  await expect.poll(() => playhead(page)).toBe(hit.t)
  await expect(page.locator('.row--selected')).toContainText('zebracrossing')
  await expect(page.locator('.row--selected mark')).toHaveText('zebracrossing')
  await context.close()
})

test('session: plays with audio — waveform drawn, transcript caption in sync, inactivity skipped', async ({}, testInfo) => {
  const context = await newContext()
  const voice = server.sessions.find((s) => s.id === 's_voice_1')!
  const page = await signIn(context, KEYS.read, `/#/sessions/${voice.id}?t=900`)
  await expect(page.locator('.waveform')).toHaveAttribute('data-ready', 'true')
  // The waveform has sound where the user spoke (1–3 s of the session) and silence before it.
  const ink = await page.getByTestId('waveform').evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d')!
    const column = (fraction: number) => {
      const x = Math.floor(canvas.width * fraction)
      const data = context.getImageData(x, 0, 1, canvas.height).data
      let painted = 0
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++
      return painted
    }
    return { silence: column(0.01), speech: column(0.06) }
  })
  expect(ink.speech).toBeGreaterThan(ink.silence + 10)

  await page.getByRole('button', { name: 'Play' }).click()
  // The user's audio plays (its element's clock moves) and the caption shows what they said.
  await expect.poll(() => page.getByTestId('tapedeck-audio-input').evaluate((audio: HTMLAudioElement) => audio.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.3)
  await expect(page.getByTestId('caption')).toHaveText(/user: Where is my order A1042\?/, { timeout: 10_000 })
  await testInfo.attach('session-playing', { body: await page.screenshot(), contentType: 'image/png' })
  // 20 s of silence after the answer's audio: skipped, so at 1× the last message comes within
  // 8 s of real time (without the skip it would take more than 20 s).
  const last = voice.events.filter((e) => e.type === 'message.created').at(-1)!
  expect(last.t - voice.events.find((e) => e.type === 'audio.output')!.t).toBeGreaterThan(20_000)
  await expect.poll(() => playhead(page), { timeout: 8_000 }).toBeGreaterThanOrEqual(last.t)
  await context.close()
})

test('session: a 10,000-event replay opens and takes input; its time is measured against a 7-event one', async () => {
  // A server of its own, so the other tests' counts and totals stay those of the six sessions.
  const own = await startStudioServer({ seed: false })
  const long = longSession('s_long_10k', 10_000)
  const small = studioSessions().find((session) => session.id === 's_small_5')!
  expect(long.events.length).toBeGreaterThanOrEqual(9_990)
  await ingestSessions(own.url, KEYS.ingest, [long, small], 500)
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: own.url })
  const page = await signIn(context, KEYS.read, `/#/sessions/${long.id}`)
  await expect(page.getByRole('slider', { name: 'Timeline' })).toBeVisible()
  // Each replay as a new document at its address (a reload, a link opened in this tab), from its
  // navigation start to the replay on screen. The anchor is the same page with a small session in
  // the same run: the same code, server and machine, so the ratio is what the 10,000 events cost.
  // Best of two alternating rounds: this machine is shared, one slow round says little.
  const readyAt = async (id: string) => {
    await page.goto(`/#/sessions/${id}`)
    await page.reload()
    await expect(page.getByRole('slider', { name: 'Timeline' })).toBeVisible()
    return page.evaluate(() => performance.getEntriesByName('tapedeck-replay-ready')[0]?.startTime ?? Number.NaN)
  }
  const smalls: number[] = []
  const longs: number[] = []
  for (let round = 0; round < 2; round++) {
    smalls.push(await readyAt(small.id))
    longs.push(await readyAt(long.id))
  }
  const anchorMs = Math.min(...smalls)
  const readyMs = Math.min(...longs)
  // It takes input: a key moves the playhead at once.
  const before = await playhead(page)
  await page.getByRole('slider', { name: 'Timeline' }).press('ArrowRight')
  await expect.poll(() => playhead(page)).toBe(before + 1000)
  console.log(
    `Replay ready after navigation start: ${long.events.length} events ${Math.round(readyMs)} ms, ${small.events.length} events ${Math.round(anchorMs)} ms; ratio ${(readyMs / anchorMs).toFixed(2)} (rounds: ${longs.map(Math.round).join(', ')} / ${smalls.map(Math.round).join(', ')} ms)`,
  )
  // No bar yet: measured 546 ms (1.21× the small session) at a load average of 8 on a shared
  // 2-core machine, 776–1,367 ms (1.56–2.6×) before the timeline fix, at loads of 5 to 18 — the 1 s belongs in bench/run.mjs, with its anchors.
  expect(readyMs).toBeGreaterThan(0)
  await context.close()
  await own.close()
})

test('phone-sized (390 × 844): every page usable, nothing serious for axe', async ({}, testInfo) => {
  const context = await newContext({ width: 390, height: 844 })
  const page = await signIn(context, KEYS.read, '/#/sessions')
  await expect(page.getByRole('table', { name: 'Sessions' }).locator('tbody tr:not(.hit-row)')).toHaveCount(server.sessions.length)
  await check(page, testInfo, 'sessions-phone')
  await page.goto('/#/sessions/s_voice_1')
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible()
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  await check(page, testInfo, 'session-phone')
  await context.close()
})

test('overview: charts from several sessions, drawn within 1.5 s of navigation', async ({}, testInfo) => {
  const context = await newContext()
  const page = await signIn(context, KEYS.read, '/#/sessions')
  // In the app: from the Sessions page, a click on Overview.
  const clicked = Date.now()
  await page.getByRole('link', { name: 'Overview' }).click()
  await expect(page.locator('.overview')).toHaveAttribute('data-ready', 'true')
  const inAppMs = Date.now() - clicked
  // A new document at /#/overview (signed in, as a reload or a bookmark in this tab): measured from the navigation's start.
  await page.reload()
  await expect(page.locator('.overview')).toHaveAttribute('data-ready', 'true')
  const drawnMs = await page.evaluate(() => performance.getEntriesByName('tapedeck-overview-drawn')[0]?.startTime ?? Number.NaN)
  const stats = await page.evaluate(() =>
    performance.getEntriesByType('resource').filter((r) => r.name.includes('/v1/stats?')).map((r) => `${new URL(r.name).searchParams.get('groupBy')} ${Math.round(r.startTime)}+${Math.round(r.duration)} ms`),
  )
  console.log(`Overview: charts drawn ${Math.round(drawnMs)} ms after navigation start (in the app, click to drawn: ${inAppMs} ms); stats requests: ${stats.join(', ')}`)
  expect(drawnMs).toBeLessThan(1500)
  // The Overview loads none of the replay's code (the player's loader and its parts): each
  // script it loaded, read through its source map, holds no module of the player but the
  // one-line firstPagePath that prefetchSession names the replay's first request with.
  const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).filter((name) => name.endsWith('.js')))
  const playerModules: string[] = []
  for (const script of scripts) {
    const { sources } = (await (await page.request.get(`${script}.map`)).json()) as { sources: string[] }
    playerModules.push(...sources.filter((source) => source.includes('player/src/') && !source.endsWith('load/firstPagePath.ts')))
  }
  expect(scripts.length).toBeGreaterThan(1)
  expect(playerModules).toEqual([])
  // Figures from the six sessions: total cost, and calls by model.
  const cost = server.sessions.reduce((sum, s) => sum + s.events.reduce((c, e) => c + (typeof e.data.costUsd === 'number' ? e.data.costUsd : 0), 0), 0)
  await expect(page.getByRole('group', { name: 'Totals' }).or(page.locator('.kpis.big')).locator('dd').first()).toHaveText(`$${cost.toPrecision(2)}`)
  await expect(page.getByRole('img', { name: /Cost per day/ })).toBeVisible()
  const models = page.locator('figure', { hasText: 'Calls and tokens by model' }).getByRole('rowheader')
  await expect(models).toHaveText(['claude-3-5-haiku', 'gpt-4o-mini'])
  await check(page, testInfo, 'overview')
  await context.close()
})

test('overview: a Checks chart of pass rates per check, day and model, once verdicts are posted (hidden before)', async ({}, testInfo) => {
  // A server of its own: the verdicts must not change the other tests' reviews.
  const own = await startStudioServer()
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: own.url })
  const page = await signIn(context, KEYS.read, '/#/overview')
  await expect(page.locator('.overview')).toHaveAttribute('data-ready', 'true')
  await expect(page.getByRole('region', { name: 'Checks' })).toHaveCount(0)
  // What `tapedeck eval --server` does: load from the server, evaluate, post the verdicts.
  const token = async () => KEYS.review
  const recordings = await Promise.all(own.sessions.map((s) => loadRecording({ endpoint: own.url, sessionId: s.id, token })))
  const checks = [
    { name: 'answered', run: ({ events }: { events: readonly { type: string }[] }) => ({ passed: events.some((e) => e.type === 'provider.call.completed') }) },
    { name: 'no-errors', run: ({ events }: { events: readonly { type: string }[] }) => ({ passed: !events.some((e) => e.type === 'provider.call.failed') }) },
  ]
  await evaluate(recordings, checks)
  const report = await postResults(recordings, { endpoint: own.url, token })
  expect(report.failed).toEqual([])
  // The page asks again on a reload; the chart shows the posted rates.
  await page.reload()
  const region = page.getByRole('region', { name: 'Checks' })
  await expect(region.getByRole('img', { name: /Pass rate per check per day/ })).toBeVisible()
  const byModel = region.locator('figure', { hasText: 'Pass rate by model' })
  for (const model of new Set(own.sessions.map((s) => s.model))) await expect(byModel.getByRole('rowheader', { name: model, exact: true })).toBeVisible()
  // The server's figures are the ones drawn: `no-errors` fails on the sessions with a failed call.
  const answer = (await (await fetch(`${own.url}/v1/stats/checks?groupBy=check&from=0`, { headers: { Authorization: `Bearer ${KEYS.read}` } })).json()) as { totals: Array<{ check: string; runs: number; passed: number }> }
  const failing = own.sessions.filter((s) => s.events.some((e) => e.type === 'provider.call.failed')).length
  expect(failing).toBeGreaterThan(0)
  expect(answer.totals.find((t) => t.check === 'no-errors')).toMatchObject({ runs: own.sessions.length, passed: own.sessions.length - failing })
  const dayChart = await region.getByRole('img', { name: /Pass rate per check per day/ }).getAttribute('aria-label')
  expect(dayChart).toContain('answered')
  expect(dayChart).toContain('no-errors')
  await check(page, testInfo, 'overview-checks')
  await context.close()
  await own.close()
})

test('search: a word in a tool argument and one in a transcript, with highlighted snippets; a hit opens at its moment', async ({}, testInfo) => {
  const context = await newContext()
  const page = await signIn(context, KEYS.read, '/#/sessions')
  await page.getByRole('searchbox').fill('zebracrossing')
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  await expect(page).toHaveURL(/q=zebracrossing/)
  const hitRow = page.locator('.hit-row')
  await expect(hitRow).toHaveCount(1)
  await expect(hitRow.locator('mark')).toHaveText('zebracrossing')
  await check(page, testInfo, 'search')
  await hitRow.getByRole('link').click()
  const route = server.sessions.find((s) => s.id === 's_route_3')!
  const hit = route.events.find((e) => e.type === 'tool.call.started')!
  await expect.poll(() => playhead(page)).toBe(hit.t)
  // A transcript word.
  await page.goto('/#/sessions?q=A1042')
  await expect(page.locator('.hit-row')).toHaveCount(1)
  await context.close()
})

test('review: annotate at the playhead, reload, the annotation is there and on the timeline', async ({}, testInfo) => {
  const context = await newContext()
  const page = await signIn(context, KEYS.review, '/#/sessions/s_refund_2')
  await page.getByRole('button', { name: 'Score 4 of 5' }).click()
  await page.getByLabel(/Comment at/).fill('Good apology, slow refund tool')
  await page.getByRole('button', { name: 'Comment', exact: true }).click()
  await page.getByLabel('Label', { exact: true }).fill('refund')
  await page.getByRole('button', { name: 'Add label' }).click()
  await expect(page.getByRole('list', { name: 'Annotations' }).getByRole('listitem')).toHaveCount(3)
  await page.reload()
  const list = page.getByRole('list', { name: 'Annotations' })
  await expect(list).toContainText('Good apology, slow refund tool')
  await expect(list).toContainText('Score 4 / 5')
  await expect(page.getByRole('button', { name: 'Score 4 of 5' })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.locator('.tapedeck-mark--annotation')).toHaveCount(1)
  await check(page, testInfo, 'session-reviewed')
  await context.close()
})

test('review queue: three sessions reviewed with the keyboard, progress shown', async ({}, testInfo) => {
  const context = await newContext()
  const page = await signIn(context, KEYS.review, '/#/review')
  const queue = page.getByRole('list', { name: 'Sessions to review' }).getByRole('link')
  await expect(queue.first()).toBeVisible()
  const ids: string[] = []
  for (const key of ['4', '2', 'f']) {
    await expect(page.locator('.replay')).toBeVisible()
    ids.push((await page.locator('.replay').getAttribute('data-session'))!)
    await page.keyboard.press(key)
    await page.keyboard.press('j')
  }
  await expect(page.getByRole('status').filter({ hasText: 'reviewed' })).toContainText('3 of')
  await check(page, testInfo, 'review-queue')
  const headers = { Authorization: `Bearer ${KEYS.read}` }
  const kinds = await Promise.all(ids.map(async (id) => ((await (await fetch(`${server.url}/v1/sessions/${id}/annotations`, { headers })).json()) as { annotations: Array<{ kind: string; score: number | null }> }).annotations))
  expect(kinds.map((list) => list.map((a) => (a.kind === 'score' ? `score ${a.score}` : a.kind)))).toEqual([['score 4'], ['score 2'], ['flag']])
  await context.close()
})

test('share: a link opens its session in a fresh browser, and nothing else', async ({}, testInfo) => {
  const context = await newContext()
  const page = await signIn(context, KEYS.review, '/#/sessions/s_voice_1')
  await page.getByRole('button', { name: 'Share' }).click()
  await page.getByRole('button', { name: 'Make link' }).click()
  const link = await page.getByTestId('share-link').inputValue()
  expect(link).toContain('#/share/s_voice_1?token=')
  await context.close()

  const fresh = await newContext()
  const visitor = await fresh.newPage()
  await visitor.goto(link)
  await expect(visitor.locator('.replay')).toHaveAttribute('data-session', 's_voice_1')
  await expect(visitor.getByText('Shared session, read only')).toBeVisible()
  await expect(visitor.getByRole('navigation', { name: 'Pages', exact: true })).toHaveCount(0)
  await check(visitor, testInfo, 'shared-session')
  // Another session, through the Studio or the API with the same token: refused.
  await visitor.goto('/#/sessions/s_refund_2')
  await expect(visitor.locator('.replay')).toHaveAttribute('data-session', 's_voice_1')
  const token = new URL(link.replace('#/share/s_voice_1?', '?')).searchParams.get('token')!
  const statuses = await visitor.evaluate(async (token) => {
    const headers = { Authorization: `Bearer ${token}` }
    return Promise.all(['/v1/sessions', '/v1/sessions/s_refund_2', '/v1/sessions/s_refund_2/events', '/v1/stats'].map(async (path) => (await fetch(path, { headers })).status))
  }, token)
  expect(statuses).toEqual([403, 403, 403, 403])
  await fresh.close()
})

/** The session ids in the finder's table, in its order. */
const listedIds = (page: Page) =>
  page
    .getByRole('table', { name: 'Sessions' })
    .locator('tbody tr:not(.hit-row) td:first-child a')
    .evaluateAll((links) => links.map((a) => decodeURIComponent(a.getAttribute('href')!.replace(/^#\/sessions\//, '').replace(/\?.*$/, ''))))

/** What GET /v1/sessions answers for a query, as the ids in its order. */
async function apiIds(query: string): Promise<string[]> {
  const response = await fetch(`${server.url}/v1/sessions?${query}&limit=100`, { headers: { Authorization: `Bearer ${KEYS.read}` } })
  expect(response.status, query).toBe(200)
  return ((await response.json()) as { sessions: Array<{ id: string }> }).sessions.map((s) => s.id)
}

test('sessions: every filter the API takes is in the form, goes into the URL and gives the API’s answer', async ({}, testInfo) => {
  // Twelve filters, each a page load on a shared machine.
  test.setTimeout(240_000)
  const context = await newContext()
  const page = await signIn(context, KEYS.read, '/#/sessions')
  await expect(page.getByRole('table', { name: 'Sessions' }).locator('tbody tr:not(.hit-row)')).not.toHaveCount(0)
  const typed: Array<[label: string, value: string, query: string]> = [
    ['Tag', 'demo', 'tag=demo'],
    ['Agent', 'ag_none', 'agentId=ag_none'],
    ['Label', 'gold', 'label=gold'],
    ['Model', 'claude-3-5-haiku', 'model=claude-3-5-haiku'],
    ['Min cost ($)', '0.005', 'minCostUsd=0.005'],
    ['Max cost ($)', '0.005', 'maxCostUsd=0.005'],
    ['Min duration (s)', '20', 'minDurationMs=20000'],
  ]
  for (const [label, value, query] of typed) {
    await page.goto('/#/sessions')
    await page.getByLabel(label, { exact: true }).fill(value)
    await page.getByLabel(label, { exact: true }).press('Enter')
    await expect(page).toHaveURL(new RegExp(`[?&]${query.replace(/[.$()]/g, '\\$&')}(&|$)`))
    const expected = await apiIds(query)
    await expect.poll(() => listedIds(page), query).toEqual(expected)
  }
  // The filters do something: the model keeps two sessions of six, tags keep the six seeded ones.
  expect(await apiIds('model=claude-3-5-haiku')).toHaveLength(2)
  const chosen: Array<[label: string, option: string, query: string]> = [
    ['Errors', 'true', 'hasErrors=true'],
    ['Audio', 'true', 'hasAudio=true'],
    ['Reviewed', 'false', 'reviewed=false'],
    ['Flagged', 'false', 'flagged=false'],
  ]
  for (const [label, option, query] of chosen) {
    await page.goto('/#/sessions')
    // (getByLabel reads a wrapping label's whole text, the select's options included.)
    await page.getByRole('combobox', { name: label, exact: true }).selectOption(option)
    await expect(page).toHaveURL(new RegExp(`[?&]${query}(&|$)`))
    await expect.poll(() => listedIds(page), query).toEqual(await apiIds(query))
  }
  // Sort and order: the cheapest first, as the API orders them.
  await page.goto('/#/sessions?tag=demo')
  await page.getByLabel('Sort by').selectOption('costUsd')
  await page.getByLabel('Order').selectOption('asc')
  await expect(page).toHaveURL(/sort=costUsd/)
  await expect(page).toHaveURL(/order=asc/)
  const byCost = await apiIds('tag=demo&sort=costUsd&order=asc')
  expect(byCost).not.toEqual(await apiIds('tag=demo'))
  await expect.poll(() => listedIds(page)).toEqual(byCost)
  await check(page, testInfo, 'sessions-filtered')
  await context.close()
})

/** The UTC day (`YYYY-MM-DD`) a seeded session started. */
const dayOfSession = (id: string) => new Date(server.sessions.find((s) => s.id === id)!.events[0]!.ts).toISOString().slice(0, 10)

test('date range: whole days picked on Sessions and on the Overview', async ({}, testInfo) => {
  const context = await newContext()
  const day = dayOfSession('s_small_5')
  const onDay = server.sessions.filter((s) => new Date(s.events[0]!.ts).toISOString().slice(0, 10) === day).map((s) => s.id)
  expect(onDay.length).toBeGreaterThan(0)
  expect(onDay.length).toBeLessThan(server.sessions.length)
  const page = await signIn(context, KEYS.read, '/#/sessions')
  await page.getByLabel('From', { exact: true }).fill(day)
  await page.getByLabel('From', { exact: true }).press('Enter')
  await page.getByLabel('To', { exact: true }).fill(day)
  await page.getByLabel('To', { exact: true }).press('Enter')
  await expect(page).toHaveURL(new RegExp(`from=${day}&to=${day}|to=${day}.*from=${day}`))
  await expect.poll(async () => (await listedIds(page)).sort()).toEqual([...onDay].sort())

  await page.goto('/#/overview')
  await expect(page.locator('.overview')).toHaveAttribute('data-ready', 'true')
  await page.getByLabel('Range').selectOption('custom')
  await page.getByLabel('From', { exact: true }).fill(day)
  await page.getByLabel('To', { exact: true }).fill(day)
  await expect(page).toHaveURL(new RegExp(`range=custom`))
  await expect(page).toHaveURL(new RegExp(`to=${day}`))
  await expect(page.locator('.overview')).toHaveAttribute('data-ready', 'true')
  const sessions = page.locator('.kpis.big div', { hasText: 'Sessions' }).locator('dd')
  await expect(sessions).toHaveText(String(onDay.length))
  // One day: the columns are its hours.
  await expect(page.getByRole('img', { name: /Cost per day: Cost over 24 periods/ })).toBeVisible()
  await check(page, testInfo, 'overview-custom-range')
  await context.close()
})

test('export: every session the filters match, as one JSON-lines file from /v1/export', async () => {
  const context = await newContext()
  const page = await signIn(context, KEYS.read, '/#/sessions?userId=chen')
  const chen = server.sessions.filter((s) => s.userId === 'chen')
  await expect(page.getByRole('table', { name: 'Sessions' }).locator('tbody tr:not(.hit-row)')).toHaveCount(chen.length)
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Export/ }).click()])
  expect(download.suggestedFilename()).toBe('tapedeck-export.jsonl')
  const text = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8')
  const events = text.trim().split('\n').map((line) => JSON.parse(line) as { sessionId: string; seq: number })
  const counts = (list: Array<{ sessionId: string }>) => Object.fromEntries([...new Set(list.map((e) => e.sessionId))].sort().map((id) => [id, list.filter((e) => e.sessionId === id).length]))
  expect(counts(events)).toEqual(counts(chen.flatMap((s) => s.events)))
  await context.close()
})

test('review: a reviewer edits and deletes their own comment, and only their own', async ({}, testInfo) => {
  const context = await newContext()
  // Another reviewer's comment on the same session, through the API.
  const other = await fetch(`${server.url}/v1/sessions/s_error_4/annotations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${KEYS.review}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'comment', text: 'Not mine to change', author: 'Grace Other' }),
  })
  expect(other.status).toBe(201)
  const page = await signIn(context, KEYS.review, '/#/sessions/s_error_4')
  const list = page.getByRole('list', { name: 'Annotations' })
  await page.getByLabel(/Comment at/).fill('Billing failed twice')
  await page.getByRole('button', { name: 'Comment', exact: true }).click()
  await expect(list).toContainText('Billing failed twice')
  await expect(list.getByRole('button', { name: /^Edit: .*Not mine/ })).toHaveCount(0)
  await expect(list.getByRole('button', { name: /^Delete: .*Not mine/ })).toHaveCount(0)

  await list.getByRole('button', { name: /^Edit: .*Billing failed twice/ }).click()
  await page.getByRole('textbox', { name: 'Edit the comment' }).fill('Billing failed twice; the retry worked')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(list).toContainText('the retry worked')
  await page.reload()
  await expect(list).toContainText('Billing failed twice; the retry worked')
  // The comments on the server (the review queue's test may have scored or flagged this session).
  const stored = async () =>
    ((await (await fetch(`${server.url}/v1/sessions/s_error_4/annotations`, { headers: { Authorization: `Bearer ${KEYS.read}` } })).json()) as { annotations: Array<{ kind: string; text: string; author: string }> }).annotations.filter(
      (a) => a.kind === 'comment',
    )
  expect((await stored()).map((a) => [a.author, a.text])).toEqual([
    ['Grace Other', 'Not mine to change'],
    ['Ada Reviewer', 'Billing failed twice; the retry worked'],
  ])
  await check(page, testInfo, 'session-comment-edited')

  await list.getByRole('button', { name: /^Delete: .*the retry worked/ }).click()
  await expect(list).not.toContainText('the retry worked')
  await page.reload()
  await expect(list).toContainText('Not mine to change')
  await expect(list).not.toContainText('the retry worked')
  expect((await stored()).map((a) => a.author)).toEqual(['Grace Other'])
  await context.close()
})

test('share: the live links are listed, and a revoked link stops working at once', async ({}, testInfo) => {
  const context = await newContext()
  const page = await signIn(context, KEYS.review, '/#/sessions/s_route_3')
  await page.getByRole('button', { name: 'Share' }).click()
  const links = page.getByRole('list', { name: 'Live share links' })
  await expect(links).toContainText('None')
  await page.getByRole('button', { name: 'Make link' }).click()
  const link = await page.getByTestId('share-link').inputValue()
  const token = new URL(link.replace('#/share/s_route_3?', '?')).searchParams.get('token')!
  const read = async () => (await fetch(`${server.url}/v1/sessions/s_route_3`, { headers: { Authorization: `Bearer ${token}` } })).status
  expect(await read()).toBe(200)
  await expect(links.getByRole('button', { name: /^Revoke/ })).toHaveCount(1)
  await check(page, testInfo, 'share-links')
  await links.getByRole('button', { name: /^Revoke/ }).click()
  await expect(links).toContainText('None')
  await expect(page.getByTestId('share-link')).toHaveCount(0)
  expect(await read()).not.toBe(200)
  await context.close()
})

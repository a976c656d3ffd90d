import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { ingestSessions, studioSessions } from './support/studioData'
import { KEYS, startStudioServer } from './support/studioServer'
import { check, playhead, signIn, studioSuite } from './support/studioSuite'

// The Studio's Sessions page: signing in, the finder, its filters and date range in the URL, search, and export.
// Tapedeck Studio as a person uses it (e2e/support/studioSuite.ts): one server with six sessions
// and one Chromium for this file. Each page's screenshot is attached to the report.

const studio = studioSuite()
const { newContext } = studio

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
  await expect(rows).toHaveCount(studio.server.sessions.length)
  await check(page, testInfo, 'sessions')
  // A filter goes into the URL; the URL alone gives the same view in a new tab.
  await page.getByLabel('User').fill('chen')
  await page.getByLabel('User').press('Enter')
  await expect(page).toHaveURL(/#\/sessions\?userId=chen/)
  await expect(rows).toHaveCount(studio.server.sessions.filter((s) => s.userId === 'chen').length)
  // (A new tab has no key: sessionStorage is per tab. Signed in there, the URL gives the same view.)
  const shared = await signIn(context, KEYS.read, page.url().slice(studio.server.url.length))
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
  const context = await studio.browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: own.url })
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

const listedIds = (page: Page) =>
  page
    .getByRole('table', { name: 'Sessions' })
    .locator('tbody tr:not(.hit-row) td:first-child a')
    .evaluateAll((links) => links.map((a) => decodeURIComponent(a.getAttribute('href')!.replace(/^#\/sessions\//, '').replace(/\?.*$/, ''))))

/** What GET /v1/sessions answers for a query, as the ids in its order. */
async function apiIds(query: string): Promise<string[]> {
  const response = await fetch(`${studio.server.url}/v1/sessions?${query}&limit=100`, { headers: { Authorization: `Bearer ${KEYS.read}` } })
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

const dayOfSession = (id: string) => new Date(studio.server.sessions.find((s) => s.id === id)!.events[0]!.ts).toISOString().slice(0, 10)

test('date range: whole days picked on Sessions and on the Overview', async ({}, testInfo) => {
  const context = await newContext()
  const day = dayOfSession('s_small_5')
  const onDay = studio.server.sessions.filter((s) => new Date(s.events[0]!.ts).toISOString().slice(0, 10) === day).map((s) => s.id)
  expect(onDay.length).toBeGreaterThan(0)
  expect(onDay.length).toBeLessThan(studio.server.sessions.length)
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
  const chen = studio.server.sessions.filter((s) => s.userId === 'chen')
  await expect(page.getByRole('table', { name: 'Sessions' }).locator('tbody tr:not(.hit-row)')).toHaveCount(chen.length)
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Export/ }).click()])
  expect(download.suggestedFilename()).toBe('tapedeck-export.jsonl')
  const text = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8')
  const events = text.trim().split('\n').map((line) => JSON.parse(line) as { sessionId: string; seq: number })
  const counts = (list: Array<{ sessionId: string }>) => Object.fromEntries([...new Set(list.map((e) => e.sessionId))].sort().map((id) => [id, list.filter((e) => e.sessionId === id).length]))
  expect(counts(events)).toEqual(counts(chen.flatMap((s) => s.events)))
  await context.close()
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
  const route = studio.server.sessions.find((s) => s.id === 's_route_3')!
  const hit = route.events.find((e) => e.type === 'tool.call.started')!
  await expect.poll(() => playhead(page)).toBe(hit.t)
  // A transcript word.
  await page.goto('/#/sessions?q=A1042')
  await expect(page.locator('.hit-row')).toHaveCount(1)
  await context.close()
})

import { evaluate, loadRecording, postResults } from '@tapedeck/player'
import { expect, test } from './fixtures'
import { KEYS, startStudioServer } from './support/studioServer'
import { check, signIn, studioSuite } from './support/studioSuite'

// The Studio's Overview: charts of cost and calls, and the Checks chart once verdicts are posted.
// Tapedeck Studio as a person uses it (e2e/support/studioSuite.ts): one server with six sessions
// and one Chromium for this file. Each page's screenshot is attached to the report.

const studio = studioSuite()
const { newContext } = studio

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
  const cost = studio.server.sessions.reduce((sum, s) => sum + s.events.reduce((c, e) => c + (typeof e.data.costUsd === 'number' ? e.data.costUsd : 0), 0), 0)
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
  const context = await studio.browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: own.url })
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

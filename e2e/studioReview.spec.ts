import { expect, test } from './fixtures'
import { KEYS } from './support/studioServer'
import { check, signIn, studioSuite } from './support/studioSuite'

// The Studio's reviews and share links: annotations, the review queue, editing one's own comment, links made and revoked.
// Tapedeck Studio as a person uses it (e2e/support/studioSuite.ts): one server with six sessions
// and one Chromium for this file. Each page's screenshot is attached to the report.

const studio = studioSuite()
const { newContext } = studio

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
  const kinds = await Promise.all(ids.map(async (id) => ((await (await fetch(`${studio.server.url}/v1/sessions/${id}/annotations`, { headers })).json()) as { annotations: Array<{ kind: string; score: number | null }> }).annotations))
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

test('review: a reviewer edits and deletes their own comment, and only their own', async ({}, testInfo) => {
  const context = await newContext()
  // Another reviewer's comment on the same session, through the API.
  const other = await fetch(`${studio.server.url}/v1/sessions/s_error_4/annotations`, {
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
    ((await (await fetch(`${studio.server.url}/v1/sessions/s_error_4/annotations`, { headers: { Authorization: `Bearer ${KEYS.read}` } })).json()) as { annotations: Array<{ kind: string; text: string; author: string }> }).annotations.filter(
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
  const read = async () => (await fetch(`${studio.server.url}/v1/sessions/s_route_3`, { headers: { Authorization: `Bearer ${token}` } })).status
  expect(await read()).toBe(200)
  await expect(links.getByRole('button', { name: /^Revoke/ })).toHaveCount(1)
  await check(page, testInfo, 'share-links')
  await links.getByRole('button', { name: /^Revoke/ }).click()
  await expect(links).toContainText('None')
  await expect(page.getByTestId('share-link')).toHaveCount(0)
  expect(await read()).not.toBe(200)
  await context.close()
})

// Smoke tests of the examples as a user runs them: packages installed from their packed
// tarballs, the React app built with Vite's defaults, everything served by the Express example.
// Each: a message recorded, still in this browser after a reload, and on the server.
import { expect, test, type Page } from '@playwright/test'

const BASE = process.env.EXAMPLES_URL!

async function serverMessages(page: Page, sessionId: string): Promise<string[]> {
  const response = await page.request.get(`${BASE}/tapedeck/v1/sessions/${sessionId}/events`)
  if (response.status() === 404) return []
  expect(response.status()).toBe(200)
  return (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((event) => event.type === 'message.created').map((event) => event.data.content)
}

test('Vite + React: a message is recorded, kept across a reload, and uploaded', async ({ page }) => {
  await page.goto(`${BASE}/`)
  const session = page.getByTestId('session')
  await expect(session).not.toHaveText('…')
  const sessionId = (await session.textContent())!
  await page.getByLabel('Message').fill('Where is my order A1042?')
  await page.getByRole('button', { name: 'Send' }).click()
  await expect.poll(() => serverMessages(page, sessionId), { timeout: 20_000 }).toEqual(['Where is my order A1042?'])

  await page.reload()
  await expect(page.getByTestId('session')).not.toHaveText('…')
  await page.getByRole('button', { name: 'Refresh' }).click()
  await expect(page.getByTestId('local-sessions')).toContainText(`${sessionId}: Where is my order A1042?`)
})

test('script tag: a message is recorded, kept across a reload, and uploaded', async ({ page }) => {
  await page.goto(`${BASE}/script-tag/`)
  const sessionId = await page.evaluate(async () => {
    const recorder = Tapedeck.init()
    await recorder.ready()
    for (let i = 0; i < 100 && !recorder.getSnapshot().session; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    return recorder.getSnapshot().session!.id
  })
  await page.locator('#send').click()
  await expect.poll(() => serverMessages(page, sessionId), { timeout: 20_000 }).toEqual(['Hello from a plain page'])

  await page.reload()
  const kept = await page.evaluate(async (id) => {
    const events = await Tapedeck.init().sessions.events(id)
    return events.filter((event) => event.type === 'message.created').map((event) => (event.data as { content: string }).content)
  }, sessionId)
  expect(kept).toEqual(['Hello from a plain page'])
})

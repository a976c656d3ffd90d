// The Next.js app-router example (examples/next-app), built by `next build` with Next's defaults,
// run by `next start`: it mounts @tapedeck/server in a route handler at /tapedeck and streams
// /api/chat from the AI SDK over the mock LLM. A conversation is recorded, kept in this browser
// across a reload, and on the server. Slow to install and build: examples/run.mjs runs it in CI
// (CI=true) or with --next.
import { expect, test } from '@playwright/test'

const BASE = process.env.NEXT_URL

test('Next.js app router: a conversation is recorded, kept across a reload, and uploaded', async ({ page }) => {
  test.skip(!BASE, 'the Next.js example runs in CI (CI=true) or with `node examples/run.mjs --next`')
  await page.goto(`${BASE}/`)
  const session = page.getByTestId('session')
  await expect(session).not.toHaveText('…')
  const sessionId = (await session.textContent())!
  await page.getByLabel('Message').fill('Where is my order A1042?')
  await page.getByRole('button', { name: 'Send' }).click()
  // The mock LLM's reply, streamed through the AI SDK route.
  await expect(page.getByTestId('messages').locator('li')).toHaveCount(2, { timeout: 20_000 })
  await expect(page.getByTestId('messages').locator('li').nth(1)).toContainText('assistant: ')

  const onServer = async () => {
    const response = await page.request.get(`${BASE}/tapedeck/v1/sessions/${sessionId}/events`)
    if (response.status() === 404) return []
    expect(response.status()).toBe(200)
    return (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; data: { role?: string; content?: string } })
  }
  await expect.poll(async () => (await onServer()).filter((event) => event.type === 'message.created').map((event) => event.data.role), { timeout: 20_000 }).toEqual(['user', 'assistant'])
  const events = await onServer()
  expect(events.find((event) => event.type === 'message.created')?.data.content).toBe('Where is my order A1042?')
  expect(events.some((event) => event.type === 'provider.call.completed')).toBe(true)

  await page.reload()
  await expect(page.getByTestId('session')).not.toHaveText('…')
  await page.getByRole('button', { name: 'Refresh' }).click()
  await expect(page.getByTestId('local-sessions')).toContainText(`${sessionId}: Where is my order A1042?`)
})

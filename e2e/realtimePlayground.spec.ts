// The playground's Realtime voice page as `npm start` runs it (its Vite dev server, a reference
// server it syncs to): a call with the mock realtime peer is recorded by recordRealtime, synced,
// and replayed with both voices and the Voice panel.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, expect, test } from '@playwright/test'
import { createHandler, createMemoryStore, serve } from '@tapedeck/server'
import { createServer, type ViteDevServer } from 'vite'
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs'

let vite: ViteDevServer
let server: { url: string; close(): Promise<void> }

test.beforeAll(async () => {
  server = await serve({ handler: createHandler({ store: createMemoryStore(), cors: { origins: '*' }, log: false }), port: 0 })
  process.env.VITE_TAPEDECK_ENDPOINT = server.url
  try {
    vite = await createServer({ configFile: 'playground/vite.config.ts', server: { port: 0, strictPort: false, watch: null }, cacheDir: 'node_modules/.vite/playground-e2e', logLevel: 'warn' })
    await vite.listen()
  } finally {
    delete process.env.VITE_TAPEDECK_ENDPOINT
  }
})
test.afterAll(async () => {
  await vite?.close()
  await server?.close()
})

test('a realtime voice call on the playground is recorded, synced and replayed with both voices, transcripts and the Voice panel', async () => {
  test.setTimeout(150_000)
  const dir = mkdtempSync(join(tmpdir(), 'tapedeck-realtime-playground-'))
  const executablePath = findChromium()
  const context = await chromium.launchPersistentContext(dir, { headless: true, ...(executablePath && { executablePath }), args: CHROMIUM_ARGS })
  try {
    const page = await context.newPage()
    await page.goto(`${vite.resolvedUrls!.local[0]!}#/realtime`)
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 45_000 })
    // The click is the user's gesture that lets the page play audio.
    await page.getByRole('button', { name: 'Start a call' }).click()
    await expect(page.getByTestId('realtime-phase')).toHaveText('done', { timeout: 30_000 })
    const lines = page.getByTestId('realtime-line')
    await expect(lines.filter({ hasText: 'get_weather({"city":"Paris"})' })).toHaveCount(1)
    await expect(lines.filter({ hasText: 'It is 18 degrees and clear in Paris.' })).toHaveCount(1)
    await expect(lines.filter({ hasText: 'cut off' })).toHaveCount(1)

    const sessionId = await page.evaluate(() => (window as unknown as { playground: { recorder: import('@tapedeck/core').Recorder } }).playground.recorder.getSnapshot().session!.id)
    // Synced: the server holds the call's transcripts and both voices.
    await expect
      .poll(async () => {
        const text = await (await fetch(`${server.url}/v1/sessions/${sessionId}/events`)).text()
        const types = text.split('\n').filter(Boolean).map((line) => JSON.parse(line).type as string)
        return ['transcript.segment', 'turn.interrupted', 'audio.input', 'audio.output'].every((type) => types.includes(type))
      }, { timeout: 30_000 })
      .toBe(true)

    await page.getByRole('link', { name: 'Replay it' }).click()
    const voice = page.getByRole('region', { name: 'Voice' })
    await expect(voice).toBeVisible({ timeout: 30_000 })
    await expect(voice.locator('[data-field="barge-ins"]')).toHaveText('1 (1 user-speech)')
    await expect(voice.locator('[data-field="user talk"]')).toContainText('in 3 turns')
    await expect(voice.locator('[data-field="assistant talk"]')).toContainText('in 2 turns')
  } finally {
    await context.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from '@playwright/test'
import { createHandler, createMemoryStore, serve } from '@tapedeck/server'
import type { Recorder, TapedeckEvent } from '@tapedeck/core'
import { createServer, type ViteDevServer } from 'vite'
import { AUDIO_ARGS, CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs'
import { expect, test } from './fixtures'

declare global {
  interface Window {
    playground?: { recorder: Recorder }
  }
}

// The playground as `npm start` runs it — its Vite dev server (with the mock LLM and the mock
// speech-to-text inside) and a reference server it syncs to — started here, on free ports.
let vite: ViteDevServer
let server: { url: string; close(): Promise<void> }
let playgroundUrl: string

test.beforeAll(async () => {
  server = await serve({ handler: createHandler({ store: createMemoryStore(), cors: { origins: '*' }, log: false }), port: 0 })
  process.env.VITE_TAPEDECK_ENDPOINT = server.url
  try {
    vite = await createServer({
      configFile: 'playground/vite.config.ts',
      // Other work in the checkout must not reload the page mid-test: no file watching.
      server: { port: 0, strictPort: false, watch: null },
      cacheDir: 'node_modules/.vite/playground-e2e',
      logLevel: 'warn',
    })
    await vite.listen()
  } finally {
    delete process.env.VITE_TAPEDECK_ENDPOINT
  }
  playgroundUrl = vite.resolvedUrls!.local[0]!
})

test.afterAll(async () => {
  await vite?.close()
  await server?.close()
})

async function openPlayground(context: BrowserContext, hash = ''): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${playgroundUrl}${hash}`)
  // The first visit compiles the sources: patient.
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 45_000 })
  return page
}

/** The current session's stored events, read through the page's recorder (IndexedDB). */
function storedEvents(page: Page): Promise<{ sessionId: string; events: TapedeckEvent[] }> {
  return page.evaluate(async () => {
    const recorder = window.playground!.recorder
    await recorder.flush()
    const sessionId = recorder.getSnapshot().session!.id
    return { sessionId, events: await recorder.sessions.events(sessionId) }
  })
}

const ofType = (events: TapedeckEvent[], type: string) => events.filter((e) => e.type === type).map((e) => e.data as Record<string, any>)

/** Seeks the replay viewer to the end of the session, from the keyboard. */
async function seekToEnd(page: Page) {
  const slider = page.getByRole('slider', { name: 'Timeline' })
  await slider.focus()
  await page.keyboard.press('End')
  await expect(slider).toHaveAttribute('aria-valuenow', (await slider.getAttribute('aria-valuemax'))!)
}

test('a chat turn streams an answer with a tool call, is recorded with usage and the tool, synced, and replayed', async ({ profile }) => {
  test.setTimeout(120_000)
  const page = await openPlayground(profile.context)
  await expect(page.getByTestId('session-id')).toContainText('recording')

  // Watch the answer arrive: every text the assistant's bubble shows while it is still pending.
  await page.evaluate(() => {
    const seen: string[] = []
    Object.assign(window, { partials: seen })
    new MutationObserver(() => {
      const pending = document.querySelector('li.message.assistant[data-pending="true"] p')
      const text = pending?.textContent ?? ''
      if (text && text !== '…' && seen.at(-1) !== text) seen.push(text)
    }).observe(document.body, { subtree: true, childList: true, characterData: true })
  })
  await page.getByRole('textbox', { name: 'Message' }).fill('Where is my order A1042?')
  await page.getByRole('button', { name: 'Send', exact: true }).click()

  const reply = page.locator('li.message.assistant').last()
  await expect(reply.getByTestId('tool-call')).toHaveText('lookupOrder({"orderId":"A1042"}) → {"orderId":"A1042","status":"shipped","eta":"Thursday"}')
  await expect(reply.locator('p').first()).toHaveText('Order A1042 is shipped, arriving Thursday.')
  await expect(reply).not.toHaveAttribute('data-pending', 'true')
  // Streamed: the bubble showed the answer growing, a prefix at a time.
  const partials = await page.evaluate(() => (window as unknown as { partials: string[] }).partials)
  expect(partials.length).toBeGreaterThanOrEqual(3)
  for (const partial of partials) expect('Order A1042 is shipped, arriving Thursday.'.startsWith(partial)).toBe(true)

  // The requests the mock LLM saw: OpenAI Chat Completions, streamed with usage, offering the tool.
  const requests = (await (await page.request.get(`${playgroundUrl}llm/__mock/requests`)).json()) as Array<{ api: string; body: Record<string, any> }>
  const chat = requests.filter((r) => r.api === 'openai.chat')
  expect(chat).toHaveLength(2)
  for (const { body } of chat) expect(body).toMatchObject({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, tools: [{ function: { name: 'lookupOrder' } }] })
  expect(chat[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: '{"orderId":"A1042","status":"shipped","eta":"Thursday"}' })

  // What the recorder stored.
  const { sessionId, events } = await storedEvents(page)
  const [first, second] = ofType(events, 'provider.call.completed')
  expect(ofType(events, 'provider.call.completed')).toHaveLength(2)
  expect(first).toMatchObject({ model: 'gpt-4o-mini', finishReason: 'tool_calls', stream: true, response: { toolCalls: [{ name: 'lookupOrder', arguments: { orderId: 'A1042' } }] } })
  expect(second).toMatchObject({ model: 'gpt-4o-mini', finishReason: 'stop', response: { text: 'Order A1042 is shipped, arriving Thursday.' } })
  for (const call of [first!, second!]) {
    expect(call.usage.inputTokens).toBeGreaterThan(0)
    expect(call.usage.outputTokens).toBeGreaterThan(0)
    expect(call.costUsd).toBeGreaterThan(0)
    expect(call.ttftMs).toBeGreaterThanOrEqual(250) // the mock waits 300 ms before the first token
    expect(call.latencyMs).toBeGreaterThan(call.ttftMs)
  }
  const toolCallId = first!.response.toolCalls[0].id as string
  expect(ofType(events, 'tool.call.started')).toEqual([{ toolCallId, name: 'lookupOrder', args: { orderId: 'A1042' } }])
  expect(ofType(events, 'tool.call.completed')).toEqual([
    { toolCallId, name: 'lookupOrder', result: { orderId: 'A1042', status: 'shipped', eta: 'Thursday' }, durationMs: expect.any(Number) },
  ])
  expect(ofType(events, 'message.created').map((m) => [m.role, m.content])).toEqual([
    ['user', 'Where is my order A1042?'],
    ['assistant', 'Order A1042 is shipped, arriving Thursday.'],
  ])
  expect(events.find((e) => e.type === 'snapshot.created')?.checkpoint).toBe(true)
  // Keys never reach the recording.
  expect(JSON.stringify(events)).not.toContain('sk-playground-mock')

  // Synced to the reference server: the same calls, with their usage.
  await page.evaluate(() => window.playground!.recorder.syncNow())
  const onServer = (await (await fetch(`${server.url}/v1/sessions/${sessionId}/events`)).text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TapedeckEvent)
  expect(ofType(onServer, 'provider.call.completed')).toEqual(ofType(events, 'provider.call.completed'))
  expect(ofType(onServer, 'tool.call.completed')).toHaveLength(1)

  // The sessions page lists it, locally and on the server; the replay viewer shows it.
  await page.getByRole('link', { name: 'Sessions' }).click()
  await expect(page.getByTestId('local-sessions').locator(`tr[data-session="${sessionId}"]`)).toBeVisible()
  await expect(page.getByTestId('server-sessions').locator(`tr[data-session="${sessionId}"]`)).toBeVisible({ timeout: 10_000 })
  await page.getByTestId('local-sessions').getByRole('link', { name: sessionId }).click()
  await expect(page.getByRole('region', { name: 'LLM calls' }).locator('h3')).toHaveText('LLM calls (2)')
  await seekToEnd(page)
  const conversation = page.getByRole('list', { name: 'Messages' })
  await expect(conversation.locator('.tapedeck-message__text')).toHaveText(['Where is my order A1042?', 'Order A1042 is shipped, arriving Thursday.'])
  await page.locator('.tapedeck-call').nth(1).click()
  const details = page.getByRole('region', { name: 'Call details' })
  await expect(details.locator('[data-field="model"]')).toHaveText('gpt-4o-mini')
  await expect(details.locator('[data-field="tokens in / out"]')).toHaveText(`${second!.usage.inputTokens} / ${second!.usage.outputTokens}`)
  await expect(details.locator('[data-field="time to first token"]')).toHaveText(/^\d+ ms$/)
  // Search finds the tool's answer in the second prompt and in the response.
  await page.getByRole('searchbox', { name: 'Search prompts and responses' }).fill('thursday')
  await expect(page.getByRole('list', { name: 'Search results' }).getByRole('button')).toHaveCount(4) // tool result, prompt, response, message

  // The server's copy replays the same.
  await page.goto(`${playgroundUrl}#/replay/server/${sessionId}`)
  await expect(page.getByRole('region', { name: 'LLM calls' }).locator('h3')).toHaveText('LLM calls (2)', { timeout: 20_000 })
  await seekToEnd(page)
  await expect(page.getByRole('list', { name: 'Messages' }).locator('.tapedeck-message__text')).toHaveText(['Where is my order A1042?', 'Order A1042 is shipped, arriving Thursday.'])
})

test('voice: the fake microphone is recorded slice by slice, transcribed, answered, and plays back in the replay', async () => {
  test.setTimeout(120_000)
  const dir = mkdtempSync(join(tmpdir(), 'tapedeck-voice-'))
  const executablePath = findChromium()
  // A profile of its own: the fake audio device and the auto-accepted microphone prompt.
  const context = await chromium.launchPersistentContext(dir, {
    headless: true,
    ...(executablePath && { executablePath }),
    args: [...CHROMIUM_ARGS, ...AUDIO_ARGS],
  })
  try {
    const page = await openPlayground(context)
    await expect(page.getByTestId('session-id')).toContainText('recording')
    const voice = page.getByTestId('voice')
    await expect(voice).toHaveText('Allow audio and speak')
    await voice.click() // grants audio consent, then opens the microphone
    await expect(voice).toHaveText('Stop and send')
    // Slices of 500 ms are stored as they come, and the page says so.
    await expect
      .poll(() => page.evaluate(() => window.playground!.recorder.getSnapshot().audio.input.durableParts), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(3)
    await expect(page.getByTestId('voice-parts')).toHaveText(/^recording · \d+\/\d+ slices stored$/)
    await voice.click()

    const user = page.locator('li.message.user').last()
    await expect(user).toContainText('You (voice)')
    await expect(user.locator('p')).toHaveText('Where is my order A1042?')
    await expect(page.locator('li.message.assistant').last().locator('p').first()).toHaveText('Order A1042 is shipped, arriving Thursday.')

    const { sessionId, events } = await storedEvents(page)
    const parts = ofType(events, 'audio.input')
    expect(parts.length).toBeGreaterThanOrEqual(3)
    expect(new Set(parts.map((p) => p.blobId)).size).toBe(1)
    expect(parts.map((p) => p.part)).toEqual([...parts.keys()])
    const blobs = await page.evaluate((id) => window.playground!.recorder.sessions.blobs(id), sessionId)
    expect(blobs.filter((b) => b.track === 'input').map((b) => b.part)).toEqual(parts.map((p) => p.part))
    expect(blobs.every((b) => b.size > 0 && b.mimeType.startsWith('audio/'))).toBe(true)
    const [segment] = ofType(events, 'transcript.segment')
    expect(segment).toMatchObject({ speaker: 'user', text: 'Where is my order A1042?', final: true })
    expect(Math.abs(segment!.startT - parts[0]!.startT)).toBeLessThan(250) // the track's start, the first slice's start
    expect(segment!.endT).toBeGreaterThan(segment!.startT + 1000)
    expect(ofType(events, 'message.created')[0]).toMatchObject({ role: 'user', content: 'Where is my order A1042?', via: 'voice' })
    expect(await page.evaluate(() => window.playground!.recorder.getSnapshot().consent.scopes.audio)).toBe(true)

    // The replay plays the microphone in step with the playhead, with the transcript as a caption.
    await page.goto(`${playgroundUrl}#/replay/local/${sessionId}`)
    const slider = page.getByRole('slider', { name: 'Timeline' })
    await expect(slider).toBeVisible({ timeout: 20_000 })
    await slider.focus()
    for (let i = 0; i < 60 && Number(await slider.getAttribute('aria-valuenow')) < parts[0]!.startT; i++) await page.keyboard.press('ArrowRight')
    await page.getByRole('button', { name: 'Play', exact: true }).click()
    const audio = page.getByTestId('tapedeck-audio-input')
    await expect(audio).toHaveAttribute('src', /^blob:/)
    await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => !element.paused && element.currentTime > 0.3), { timeout: 10_000 }).toBe(true)
    await expect(page.locator('.tapedeck-caption')).toHaveText('user: Where is my order A1042?')
    // In step: paused, the audio stands where the playhead is in the recording.
    await page.getByRole('button', { name: 'Pause', exact: true }).click()
    const position = Number(await slider.getAttribute('aria-valuenow'))
    await expect
      .poll(async () => Math.abs((await audio.evaluate((element: HTMLAudioElement) => element.currentTime)) * 1000 - (position - parts[0]!.startT)))
      .toBeLessThan(300)
    expect(await audio.evaluate((element: HTMLAudioElement) => element.paused)).toBe(true)
  } finally {
    await context.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

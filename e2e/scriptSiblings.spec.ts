// The script-tag file leaves LLM capture and audio to two files beside it (tapedeck-llm.js,
// tapedeck-audio.js), loaded on first use. Here in real Chromium, under a nonce-based CSP: the
// LLM file at init (data-capture="llm"), the audio file only when audio starts, and both record.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, expect, test } from '@playwright/test'
import { AUDIO_ARGS, CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs'
import { BASE_URL } from './fixtures'

const LLM_URL = 'https://llm.example.com/v1/chat/completions'

test('a script-tag page records an LLM call and microphone audio after loading their files from beside tapedeck.js', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapedeck-siblings-'))
  const executablePath = findChromium()
  // Chromium's fake microphone (a beep), with permission granted: its own launch, the flags are per browser.
  const context = await chromium.launchPersistentContext(dir, { headless: true, ...(executablePath && { executablePath }), args: [...CHROMIUM_ARGS, ...AUDIO_ARGS], baseURL: BASE_URL })
  try {
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()))
    page.on('pageerror', (error) => errors.push(error.message))
    const requests: string[] = []
    page.on('request', (request) => requests.push(new URL(request.url()).pathname))
    // The LLM provider, answered in OpenAI's format.
    await page.route(LLM_URL, (route) =>
      route.fulfill({
        contentType: 'application/json',
        headers: { 'access-control-allow-origin': '*' },
        body: JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Your order left yesterday.' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
        }),
      }),
    )
    await page.goto('/widget/siblings.html')
    // data-capture="llm": the LLM file is loaded at init, the audio file not yet.
    await expect.poll(() => requests.includes('/tapedeck-llm.js')).toBe(true)
    await expect.poll(() => page.evaluate(() => window.Tapedeck.init().getSnapshot().state)).toBe('recording')
    expect(requests).not.toContain('/tapedeck-audio.js')
    const id = await page.evaluate(() => window.Tapedeck.init().getSnapshot().session!.id)

    // An LLM call the page makes with fetch, once the capture is in place.
    await expect
      .poll(() => page.evaluate(() => 'TapedeckLlm' in window && window.fetch.toString().includes('[native code]') === false))
      .toBe(true)
    const reply = await page.evaluate(async (url) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-SECRET' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my order?' }] }),
      })
      return (await response.json()).choices[0].message.content as string
    }, LLM_URL)
    expect(reply).toBe('Your order left yesterday.')

    // Audio: the file loads on the first start, and the microphone is recorded.
    const audio = await page.evaluate(async () => {
      const recorder = window.Tapedeck.init()
      await recorder.consent.grant({ audio: true })
      return recorder.audio.start('microphone', { timesliceMs: 500 })
    })
    expect(audio.state, JSON.stringify(audio.error)).toBe('recording')
    expect(requests).toContain('/tapedeck-audio.js')
    await page.waitForTimeout(1500)
    await page.evaluate(() => window.Tapedeck.init().audio.stop())

    const events = await page.evaluate(async (id) => {
      const recorder = window.Tapedeck.init()
      await recorder.flush()
      return recorder.sessions.events(id)
    }, id)
    const types = events.map((event) => event.type)
    expect(types).toContain('provider.call.completed')
    const completed = events.find((event) => event.type === 'provider.call.completed')!
    expect(completed.data).toMatchObject({ model: 'gpt-4o-mini', usage: { inputTokens: 12, outputTokens: 6 } })
    expect(JSON.stringify(events)).not.toContain('SECRET')
    expect(types.filter((type) => type === 'audio.input').length).toBeGreaterThan(0)
    // The engine ran in the worker from /tapedeck.js (no blob: worker under this CSP), and nothing was refused.
    expect(await page.evaluate(() => window.Tapedeck.init().getSnapshot())).toMatchObject({ engine: 'worker' })
    expect(errors).toEqual([])
  } finally {
    await context.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

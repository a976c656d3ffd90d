// The script-tag file leaves LLM capture, audio and erasure to files beside it (tapedeck-llm.js,
// tapedeck-audio.js, tapedeck-erasure.js), loaded on first use. Here in real Chromium, under a
// nonce-based CSP: the LLM file at init (data-capture="llm"), the audio file only when audio
// starts, the erasure file only when the page erases; each does its work. And when
// tapedeck-capture.js cannot load, data-sample-rate still holds.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, expect, test } from '@playwright/test'
import { sessionPoint } from '../packages/core/src/capture/sessionSampled'
import { AUDIO_ARGS, CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs'
import { BASE_URL, test as withProfile } from './fixtures'

const LLM_URL = 'https://llm.example.com/v1/chat/completions'

test('a script-tag page records an LLM call and microphone audio, and erases, after loading their files from beside tapedeck.js', async () => {
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

    // Erasure: its file loads on the first erase, and the session's local data is gone.
    expect(requests).not.toContain('/tapedeck-erasure.js')
    const erased = await page.evaluate(async (id) => {
      const recorder = window.Tapedeck.init()
      await recorder.stop()
      const count = await recorder.erase({ sessionId: id })
      return { count, left: (await recorder.sessions.events(id)).length }
    }, id)
    expect(requests).toContain('/tapedeck-erasure.js')
    expect(erased).toEqual({ count: 1, left: 0 })
    expect(errors).toEqual([])
  } finally {
    await context.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

withProfile('the capture options from data-* attributes: tapedeck-capture.js loads on the first start and records the console and failed requests; a bad value is reported and the page goes on', async ({ profile }) => {
  const page = await profile.context.newPage()
  const errors: string[] = []
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()))
  page.on('pageerror', (error) => errors.push(error.message))
  const requests: string[] = []
  page.on('request', (request) => requests.push(new URL(request.url()).pathname))
  await page.route('**/api/orders?*', (route) => route.fulfill({ status: 503, body: 'down' }))
  await page.goto(`${BASE_URL}/widget/capture.html`)
  await expect.poll(() => page.evaluate(() => window.Tapedeck.init().getSnapshot().state)).toBe('recording')
  expect(requests).toContain('/tapedeck-capture.js')
  // The capture is in place once console.warn is wrapped.
  await expect.poll(() => page.evaluate(() => console.warn.toString().includes('[native code]'))).toBe(false)
  const status = await page.evaluate(async () => {
    console.warn('order form slow')
    await fetch('/api/orders?token=SECRET-QUERY')
    const recorder = window.Tapedeck.init()
    await recorder.flush()
    return recorder.getSnapshot()
  })
  expect(typeof status.persisted).toBe('boolean')
  expect(status.sampled).toBe(true)
  const events = await page.evaluate(async (id) => window.Tapedeck.init().sessions.events(id), status.session!.id)
  expect(events.find((event) => event.type === 'session.started')?.data).toMatchObject({ sampling: { rate: 1, types: { 'user.action': 0.5 } } })
  expect(events.find((event) => event.type === 'console.logged')?.data).toMatchObject({ level: 'warn', message: 'order form slow' })
  expect(events.find((event) => event.type === 'network.failed')?.data).toMatchObject({ via: 'fetch', status: 503, url: `${BASE_URL.replace('127.0.0.1', '[ip]')}/api/orders` })
  expect(JSON.stringify(events)).not.toContain('SECRET')
  // The browser's own line for the 503, and nothing else.
  expect(errors).toEqual(['Failed to load resource: the server responded with a status of 503 (Service Unavailable)'])

  errors.length = 0
  await page.goto(`${BASE_URL}/widget/capture-bad.html`)
  await expect.poll(() => errors.length).toBe(1)
  expect(errors[0]).toContain('Tapedeck: the script tag could not set the recorder up.')
  expect(errors[0]).toContain('data-sample-rate cannot be "half"')
  expect(await page.evaluate(() => [(window as Window & { pageRan?: boolean }).pageRan, typeof window.Tapedeck.init])).toEqual([true, 'function'])
})

withProfile('data-sample-rate is honoured when tapedeck-capture.js cannot load: a session out of the sample stores nothing, one in it is recorded and says its rate', async ({ profile }) => {
  const page = await profile.context.newPage()
  const requests: string[] = []
  page.on('request', (request) => requests.push(new URL(request.url()).pathname))
  await page.route('**/tapedeck-capture.js', (route) => route.abort())
  await page.goto(`${BASE_URL}/widget/capture-sampled.html`)
  // data-sample-rate="0.5": one session id on each side of the rate (its place in [0, 1) is its hash).
  const idOn = (inSample: boolean) => {
    for (let i = 0; ; i++) if (sessionPoint(`s_sibling${i}`) < 0.5 === inSample) return `s_sibling${i}`
  }
  const run = (id: string) =>
    page.evaluate(async (id) => {
      const recorder = window.Tapedeck.init()
      await recorder.start({ sessionId: id })
      for (let i = 0; i < 5; i++) recorder.record('x.step', { i })
      await recorder.stop()
      const { sampled, counts } = recorder.getSnapshot()
      return { sampled, accepted: counts.accepted, stored: (await recorder.sessions.list()).sessions.map((session) => session.id) }
    }, id)
  const kept = idOn(true)
  const left = idOn(false)
  const out = await run(left)
  expect(requests).toContain('/tapedeck-capture.js')
  expect(out).toMatchObject({ sampled: false, accepted: 0 })
  expect(out.stored).not.toContain(left)
  const inSample = await run(kept)
  expect(inSample.sampled).toBe(true)
  expect(inSample.accepted).toBeGreaterThanOrEqual(7)
  expect(inSample.stored).toEqual([kept])
  const events = await page.evaluate((id) => window.Tapedeck.init().sessions.events(id), kept)
  expect(events[0]).toMatchObject({ type: 'session.started', data: { sampling: { rate: 0.5 } } })
  expect(events.filter((event) => event.type === 'x.step')).toHaveLength(5)
  expect(events.at(-1)!.type).toBe('session.ended')
})

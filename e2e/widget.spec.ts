import type { Locator, Page, TestInfo } from '@playwright/test'
import type { Recorder } from '@tapedeck/core'
import type { InitOptions } from '../packages/widget/src/script/init'
import { expect, test, type Profile } from './fixtures'
import { startFaultProxy, type FaultProxy } from './support/faultProxy'
import { startSyncTarget, type SyncTarget } from './support/server'

// window.Tapedeck is typed by the widget's script-tag declarations (packages/widget/src/global.ts).

/** The pages' data-endpoint: a pass-through in front of this test's sync target (whose port changes). */
const ENDPOINT_PORT = 5189

let target: SyncTarget
let endpoint: FaultProxy
test.beforeEach(async () => {
  target = await startSyncTarget()
  endpoint = await startFaultProxy(target.proxy.url, ENDPOINT_PORT)
})
test.afterEach(async ({ profile }) => {
  // Pages that keep uploading would hold the servers open.
  for (const page of profile.context.pages()) await page.close()
  await endpoint.close()
  await target.close()
})

/** Opens a page of e2e/pages/widget/, served as it is, and notes what it requests. */
async function openPage(profile: Profile, path: string): Promise<{ page: Page; requests: string[] }> {
  const page = await profile.context.newPage()
  const requests: string[] = []
  page.on('request', (request) => requests.push(request.url()))
  await page.goto(path)
  return { page, requests }
}

/** The page's recorder: `Tapedeck.init()` returns the one the script tag made. */
const snapshot = (page: Page) => page.evaluate(() => window.Tapedeck.init().getSnapshot())

async function sessionId(page: Page): Promise<string> {
  await expect.poll(async () => (await snapshot(page)).session?.id ?? null).not.toBeNull()
  return (await snapshot(page)).session!.id
}

async function storedEvents(page: Page, id: string) {
  return page.evaluate(async (id) => window.Tapedeck.init().sessions.events(id), id)
}

/** Screenshot of the widget, kept as a test artefact. */
async function shoot(widget: Locator, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`widget-${name}.png`)
  await widget.screenshot({ path, animations: 'disabled' })
  await testInfo.attach(`widget: ${name}`, { path, contentType: 'image/png' })
}

/** Presses Tab until the focused control inside the widget has this accessible name (at most 30 times). */
async function tabTo(page: Page, label: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => {
      const active = document.activeElement?.shadowRoot?.activeElement
      return active?.getAttribute('aria-label') ?? active?.textContent ?? null
    })
    if (focused === label) return
  }
  throw new Error(`Tab never reached "${label}" in the widget`)
}

test('the script tag alone: it sets itself up, records clicks and navigation, stores and uploads them; the widget works by keyboard', async ({ profile }) => {
  const { page, requests } = await openPage(profile, '/widget/index.html')
  const widget = page.locator('tapedeck-recorder')
  await expect(widget.getByRole('status').first()).toHaveText('Recording')
  const id = await sessionId(page)
  await page.evaluate(() => window.Tapedeck.init().ready())
  expect(await snapshot(page)).toMatchObject({ state: 'recording', engine: 'worker', durable: true, error: null })
  // One file: the page fetched the bundle and nothing else of Tapedeck's (the worker is a blob of the same code).
  expect(requests.filter((url) => !url.startsWith(`http://127.0.0.1:${ENDPOINT_PORT}/`))).toEqual([
    'http://127.0.0.1:5179/widget/index.html',
    'http://127.0.0.1:5179/tapedeck.js',
    expect.stringMatching(/^blob:http:\/\/127\.0\.0\.1:5179\//),
  ])

  await page.getByRole('button', { name: 'Ask a question' }).click()
  await page.getByRole('link', { name: 'Orders' }).click()
  await page.evaluate(() => history.pushState({}, '', '/widget/checkout')) // an app's router
  await expect
    .poll(async () =>
      (await storedEvents(page, id))
        .filter((e) => e.type === 'user.action')
        .map(({ data }) => data as { kind: string; target?: unknown; url?: string })
        .map((data) => [data.kind, data.kind === 'click' ? data.target : data.url]),
    )
    .toEqual([
      ['click', { selector: 'button#ask', label: 'Ask a question' }],
      ['click', { selector: 'body > nav > a', label: 'Orders' }],
      // (The built-in redaction rules replace IP addresses, this host's too.)
      ['navigation', 'http://[ip]:5179/widget/index.html#/orders'],
      ['navigation', 'http://[ip]:5179/widget/checkout'],
    ])

  // By keyboard: Tab reaches the widget's controls; Enter and Space press them.
  await page.locator('body').focus()
  await tabTo(page, 'Pause recording')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await snapshot(page)).state).toBe('paused')
  await expect(widget.getByRole('status').first()).toHaveText('Paused')
  await page.keyboard.press('Space')
  await expect.poll(async () => (await snapshot(page)).state).toBe('recording')

  await tabTo(page, 'Mark this moment')
  await page.keyboard.press('Enter')
  await page.keyboard.type('the answer took too long')
  await page.keyboard.press('Enter')
  await expect
    .poll(async () => (await storedEvents(page, id)).find((e) => e.type === 'annotation.added'))
    .toMatchObject({ checkpoint: true, data: { kind: 'comment', key: 'moment', value: 'the answer took too long', target: 'session' } })

  await tabTo(page, 'Download this session')
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')])
  expect(download.suggestedFilename()).toBe(`tapedeck-${id}.jsonl`)
  const lines = (await (await download.createReadStream()).toArray()).join('').trim().split('\n').map((line) => JSON.parse(line))
  expect(lines[0]).toMatchObject({ sessionId: id, seq: 0, type: 'session.started' })
  expect(lines.map((e) => e.seq)).toEqual([...lines.keys()])
  expect(lines.some((e) => e.type === 'annotation.added')).toBe(true)

  // And on the server.
  await page.evaluate(() => window.Tapedeck.init().syncNow())
  const onServer = await target.events(id)
  expect(onServer.map((e) => e.seq)).toEqual([...onServer.keys()])
  expect(onServer.filter((e) => e.type === 'user.action')).toHaveLength(4)
  expect(onServer.filter((e) => e.type === 'annotation.added')).toHaveLength(1)
})

test('the widget in its states, kept as screenshots: recording, paused, upload error, refused batch, offline with pending events', async ({ profile }, testInfo) => {
  const { page } = await openPage(profile, '/widget/index.html')
  const widget = page.locator('tapedeck-recorder')
  const status = widget.getByRole('status').first()
  const sync = widget.locator('[data-part="sync"] span')
  await expect(status).toHaveText('Recording')
  // Uploaded now: the first automatic upload sometimes waits for the 30 s sync interval (reported to core).
  await page.evaluate(() => window.Tapedeck.init().syncNow())
  await expect(sync).toHaveText('All uploaded')
  await shoot(widget, testInfo, 'recording')

  await widget.getByRole('button', { name: 'Pause recording' }).click()
  await expect(status).toHaveText('Paused')
  await shoot(widget, testInfo, 'paused')
  await widget.getByRole('button', { name: 'Resume recording' }).click()

  target.proxy.setPlan({ fallback: { status: 503 } })
  await page.getByRole('button', { name: 'Ask a question' }).click()
  await page.evaluate(() => window.Tapedeck.init().syncNow())
  await expect(sync).toContainText('Upload failed, retrying')
  await expect(widget.getByRole('alert')).toContainText('(sync_failed)')
  await shoot(widget, testInfo, 'error')

  target.proxy.setPlan({ queue: [{ status: 422, body: '{"error":"bad batch"}' }] })
  await page.evaluate(() => window.Tapedeck.init().syncNow())
  await expect(sync).toContainText('refused by the server')
  await expect(widget.getByRole('button', { name: 'Retry refused' })).toBeVisible()
  await shoot(widget, testInfo, 'dead-letter')
  await widget.getByRole('button', { name: 'Retry refused' }).click()
  await expect(sync).toHaveText('All uploaded')
  await widget.getByRole('button', { name: 'Dismiss the error' }).click()
  await expect(widget.getByRole('alert')).toBeHidden()

  await profile.context.setOffline(true)
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Ask a question' }).click()
  await expect(sync).toHaveText(/^Offline · \d+ pending$/)
  await shoot(widget, testInfo, 'offline')
  await profile.context.setOffline(false)
})

test('consent required, with the page\'s own <tapedeck-recorder> and consent text: the prompt shows and nothing is stored until Allow', async ({ profile }, testInfo) => {
  const { page } = await openPage(profile, '/widget/consent.html')
  const widget = page.locator('tapedeck-recorder')
  const prompt = widget.getByRole('group', { name: 'Recording consent' })
  await expect(prompt).toBeVisible()
  await expect(widget.getByText('We record this chat to train our support staff.')).toBeVisible() // slotted into the prompt
  await expect(widget).toHaveCount(1) // the page's own element, not a second one
  await expect(widget.getByRole('status').first()).toHaveText('Waiting for consent')
  expect(await widget.evaluate((element) => element.getAttribute('position'))).toBe('bottom-left')
  await shoot(widget, testInfo, 'consent')
  expect(await snapshot(page)).toMatchObject({ consent: { mode: 'required', state: 'pending' }, storage: null })

  await page.getByRole('button', { name: 'Ask a question' }).click()
  await prompt.getByRole('button', { name: 'Allow' }).click()
  await expect(prompt).toBeHidden()
  await expect(widget.getByRole('status').first()).toHaveText('Recording')
  const id = await sessionId(page)
  await page.getByRole('button', { name: 'Ask a question' }).click()
  await expect.poll(async () => (await storedEvents(page, id)).filter((e) => e.type === 'user.action').length).toBe(1)
})

test('the ES module build, loaded by <script type="module">', async ({ profile }) => {
  const { page, requests } = await openPage(profile, '/widget/esm.html')
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
  expect(await page.evaluate(() => document.body.dataset.same)).toBe('true')
  const recorder = () => page.evaluate(() => import('/tapedeck.mjs' as string).then((m: { init(): Recorder }) => m.init().getSnapshot()))
  expect(await recorder()).toMatchObject({ state: 'recording', engine: 'worker', error: null })
  const widget = page.locator('tapedeck-recorder')
  await expect(widget).toHaveAttribute('position', 'top-right')
  await expect(widget.getByRole('status').first()).toHaveText('Recording')
  await page.getByRole('button', { name: 'Ask a question' }).click()
  await expect.poll(async () => (await recorder()).lastSeq).toBeGreaterThanOrEqual(1)
  expect(requests).toEqual([
    'http://127.0.0.1:5179/widget/esm.html',
    'http://127.0.0.1:5179/tapedeck.mjs',
    expect.stringMatching(/^blob:http:\/\/127\.0\.0\.1:5179\//),
  ])

  // What the script-tag build leaves out (the OpenTelemetry transport, fflate's gzip levels, sealing for a private key) is refused at once.
  const refused = await page.evaluate(async () => {
    const tapedeck = (await import('/tapedeck.mjs' as string)) as Window['Tapedeck']
    await tapedeck.destroy()
    const attempt = (options: InitOptions) => {
      try {
        tapedeck.init(options)
        return null
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`
      }
    }
    return [
      attempt({ endpoint: 'http://127.0.0.1:1', transport: 'otlp' }),
      attempt({ compressionLevel: 6 }),
      attempt({ encryptForServer: { publicKey: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } } }),
    ]
  })
  expect(refused).toEqual([
    expect.stringMatching(/^invalid_options: transport: 'otlp' is not in the script-tag build/),
    expect.stringMatching(/^invalid_options: compressionLevel is not in the script-tag build/),
    expect.stringMatching(/^invalid_options: encryptForServer is not in the Tapedeck script-tag build/),
  ])

  // LLM capture comes from tapedeck-llm.js, found beside the module (its import.meta.url).
  await page.evaluate(async () => {
    const tapedeck = (await import('/tapedeck.mjs' as string)) as Window['Tapedeck']
    await tapedeck.destroy()
    tapedeck.init({ autoCapture: { llm: true } })
  })
  await expect.poll(() => page.evaluate(() => 'TapedeckLlm' in window)).toBe(true)
  expect(requests).toContain('http://127.0.0.1:5179/tapedeck-llm.js')
})

test('a strict CSP (no blob: workers, no inline styles): with data-worker-url the bundle runs its own engine in a worker; without, on the main thread', async ({ profile }) => {
  const { page } = await openPage(profile, '/widget/csp.html')
  const widget = page.locator('tapedeck-recorder')
  await expect(widget.getByRole('status').first()).toHaveText('Recording')
  // style-src 'self' refuses <style> elements; the widget's constructed stylesheet still applies.
  expect(await widget.evaluate((element) => getComputedStyle(element.shadowRoot!.querySelector('.panel')!).backgroundColor)).toBe('rgb(31, 35, 40)')
  await expect.poll(async () => (await snapshot(page)).engine).toBe('worker')
  expect((await snapshot(page)).errors).toEqual([])
  const id = await sessionId(page)
  await page.getByRole('button', { name: 'Ask a question' }).click()
  await expect.poll(async () => (await storedEvents(page, id)).map((e) => e.type)).toEqual(['session.started', 'user.action'])

  // Without workerUrl, the blob: worker is refused there: recording goes on, on the main thread.
  const fallback = await page.evaluate(async () => {
    await window.Tapedeck.destroy()
    const recorder = window.Tapedeck.init({ dbName: 'csp-fallback' })
    await recorder.start()
    return recorder.getSnapshot()
  })
  expect(fallback).toMatchObject({ engine: 'main-thread', state: 'recording' })
  expect(fallback.errors.map((e) => e.code)).toContain('worker_unavailable')
})

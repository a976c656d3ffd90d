import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page, type TestInfo } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs'
import { expect, test } from '../fixtures'
import { startStudioServer, type StudioServer } from './studioServer'

// What the Studio's spec files (e2e/studio*.spec.ts) share: Tapedeck Studio as a person uses it —
// `tapedeck-server` (the built CLI) serving the Studio at `/`, six sessions sent through its
// ingest path, a real Chromium — and the steps every test takes: sign in, check a page.

export interface StudioSuite {
  /** The file's server, with its six sessions. */
  readonly server: StudioServer
  readonly browser: Browser
  /** A new browser context on the file's server. */
  newContext(viewport?: { width: number; height: number }): Promise<BrowserContext>
}

/** Starts one server and one Chromium for the calling spec file's tests, and closes them after. */
export function studioSuite(): StudioSuite {
  let server: StudioServer | undefined
  let browser: Browser | undefined
  test.beforeAll(async () => {
    server = await startStudioServer()
    browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] })
  })
  test.afterAll(async () => {
    await browser?.close()
    await server?.close()
  })
  return {
    get server() {
      return server!
    },
    get browser() {
      return browser!
    },
    newContext: (viewport = { width: 1280, height: 800 }) => browser!.newContext({ viewport, baseURL: server!.url }),
  }
}

/** Opens the Studio and signs in with a key (and a reviewer name). */
export async function signIn(context: BrowserContext, key: string, path = '/'): Promise<Page> {
  const page = await context.newPage()
  await page.goto(path)
  await page.getByLabel('Read or review key').fill(key)
  await page.getByLabel('Your name, on your reviews').fill('Ada Reviewer')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('navigation', { name: 'Pages', exact: true })).toBeVisible()
  return page
}

/** A screenshot in the report, and no serious or critical accessibility violation on the page. */
export async function check(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const body = await page.screenshot({ fullPage: false })
  await testInfo.attach(name, { body, contentType: 'image/png' })
  // STUDIO_SHOTS=<dir>: the screenshots as files too, to look at.
  if (process.env.STUDIO_SHOTS) writeFileSync(join(process.env.STUDIO_SHOTS, `${name}.png`), body)
  const results = await new AxeBuilder({ page }).analyze()
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), name).toEqual([])
}

/** Where the replay's playhead is, ms. */
export const playhead = (page: Page) => page.getByRole('slider', { name: 'Timeline' }).evaluate((el) => Number(el.getAttribute('aria-valuenow')))

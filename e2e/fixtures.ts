import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, chromium, type BrowserContext, type Page } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs'

export const BASE_URL = 'http://127.0.0.1:5179'

export interface Profile {
  context: BrowserContext
  /** Opens a test page in a new tab of this profile and waits until the recorder is loaded. */
  open(path?: string): Promise<Page>
}

/**
 * A persistent, disk-backed browser profile: IndexedDB lives on disk as it does for users,
 * not in the memory of an incognito context.
 */
export async function launchProfile(dir = mkdtempSync(join(tmpdir(), 'tapedeck-profile-'))): Promise<Profile & { dir: string }> {
  const executablePath = findChromium()
  const context = await chromium.launchPersistentContext(dir, {
    headless: true,
    ...(executablePath && { executablePath }),
    args: CHROMIUM_ARGS,
    baseURL: BASE_URL,
  })
  return {
    dir,
    context,
    async open(path = '/') {
      const page = await context.newPage()
      await page.goto(path)
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
      return page
    },
  }
}

export const test = base.extend<{ profile: Profile }>({
  // eslint-disable-next-line no-empty-pattern
  profile: async ({}, use) => {
    const profile = await launchProfile()
    await use(profile)
    await profile.context.close()
    rmSync(profile.dir, { recursive: true, force: true })
  },
})

export { expect } from '@playwright/test'

import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs'

// Run by examples/run.mjs, which installs and starts the examples and sets EXAMPLES_URL.
export default defineConfig({
  testDir: 'tests',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  outputDir: '../test-results/examples',
  use: { launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS } },
})

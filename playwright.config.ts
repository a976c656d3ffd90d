import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: 'test-results',
  webServer: {
    command: 'npx vite --config e2e/vite.config.ts',
    url: 'http://127.0.0.1:5179/index.html',
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
})

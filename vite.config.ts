import { defineConfig } from 'vitest/config'
import { playwright } from '@vitest/browser-playwright'
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs'
import { sourceResolve } from './scripts/conditions.mjs'

// Tests whose bars are times (long tasks, a streamed body within the test timeout) run after
// the others, one file at a time, so that they measure this code and not the files beside them.
const TIMED_BROWSER = ['packages/react/src/viewer/ReplayViewer.browser.test.tsx']
const TIMED_UNIT = ['packages/server/src/node/toNodeListener.test.ts', 'packages/player/src/eval/evaluate.test.ts']

const browser = () => ({
  enabled: true,
  headless: true,
  screenshotFailures: false,
  provider: playwright({
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  }),
  instances: [{ browser: 'chromium' as const }],
})

// One config for the whole workspace. Sources resolve through the "@tapedeck/source" export
// condition, so tests and the playground run on TypeScript, not on stale builds.
export default defineConfig({
  ...sourceResolve,
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['packages/*/src/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', ...TIMED_UNIT],
          typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'] },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          globalSetup: ['packages/core/test/syncSetup.ts', 'packages/core/test/llmSetup.ts'],
          include: ['packages/*/src/**/*.browser.test.ts', 'packages/*/src/**/*.browser.test.tsx'],
          exclude: TIMED_BROWSER,
          testTimeout: 30_000,
          browser: browser(),
        },
      },
      {
        extends: true,
        test: {
          name: 'timed',
          include: TIMED_UNIT,
          environment: 'node',
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timed-browser',
          include: TIMED_BROWSER,
          testTimeout: 30_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          browser: browser(),
        },
      },
    ],
  },
})

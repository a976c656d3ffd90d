// Finds a Chromium for tests and benchmarks: CHROMIUM_PATH, then Debian's package,
// then a browser Playwright downloaded itself. Returns undefined when there is none.
import { existsSync } from 'node:fs'

const candidates = () => [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
]

export function findChromium() {
  for (const path of candidates()) if (path && existsSync(path)) return path
  return undefined
}

export const HOW_TO_GET_CHROMIUM =
  'No Chromium found: set CHROMIUM_PATH, or install one (Debian/Ubuntu: `apt-get install -y chromium`; elsewhere: `npx playwright install chromium`).'

/** Flags that keep a headless Chromium quiet on a closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export const AUDIO_ARGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']

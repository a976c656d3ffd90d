// Microphone capture end to end: Chromium's fake microphone plays a WAV the test writes (a 440 Hz
// sine), the recorder stores it slice by slice, and the recording is read back after a reload or
// a closed tab, decoded and measured in the page.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, test as base, expect, type BrowserContext, type Page } from '@playwright/test'
import { AUDIO_ARGS, CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs'
import { BASE_URL } from './fixtures'

const TONE_HZ = 440

/** A 16-bit PCM mono WAV of a sine at half scale. */
function sineWav(frequency: number, seconds: number, rate = 48_000): Buffer {
  const n = rate * seconds
  const wav = Buffer.alloc(44 + n * 2)
  wav.write('RIFF', 0)
  wav.writeUInt32LE(36 + n * 2, 4)
  wav.write('WAVEfmt ', 8)
  wav.writeUInt32LE(16, 16)
  wav.writeUInt16LE(1, 20) // PCM
  wav.writeUInt16LE(1, 22) // mono
  wav.writeUInt32LE(rate, 24)
  wav.writeUInt32LE(rate * 2, 28)
  wav.writeUInt16LE(2, 32)
  wav.writeUInt16LE(16, 34)
  wav.write('data', 36)
  wav.writeUInt32LE(n * 2, 40)
  for (let i = 0; i < n; i++) wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequency * i) / rate) * 16_384), 44 + i * 2)
  return wav
}

interface Microphone {
  context: BrowserContext
  open(): Promise<Page>
}

/**
 * A disk-backed profile whose microphone is the WAV: its own launch, because the fake-device
 * flags are per browser. 20 s of a whole number of cycles, so Chromium's looping of the file is seamless.
 */
const test = base.extend<{ microphone: Microphone }>({
  // eslint-disable-next-line no-empty-pattern
  microphone: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'tapedeck-voice-'))
    const wav = join(dir, 'tone.wav')
    writeFileSync(wav, sineWav(TONE_HZ, 20))
    const executablePath = findChromium()
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      headless: true,
      ...(executablePath && { executablePath }),
      args: [...CHROMIUM_ARGS, ...AUDIO_ARGS, `--use-file-for-fake-audio-capture=${wav}`],
      baseURL: BASE_URL,
    })
    const open = async () => {
      const page = await context.newPage()
      await page.goto('/voice/index.html')
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
      return page
    }
    await use({ context, open })
    await context.close()
    rmSync(dir, { recursive: true, force: true })
  },
})

type Live = { live: import('@tapedeck/core').Recorder }

/** Starts recording the microphone in a new session; the recorder stays on the page as window.live. */
async function startMicrophone(page: Page) {
  return page.evaluate(async () => {
    const recorder = window.voice.createRecorder()
    const { id } = await recorder.start()
    Object.assign(window, { live: recorder })
    const status = await recorder.audio.start('microphone')
    return { id, status }
  })
}

test('5 s of microphone audio, read back after a reload: ~5 s long, and the 440 Hz tone it was', async ({ microphone }) => {
  const page = await microphone.open()
  const { id, status } = await startMicrophone(page)
  expect(status).toMatchObject({ state: 'recording', error: null, mimeType: expect.stringMatching(/^audio\/webm/) })
  await page.waitForTimeout(5000)
  const stopped = await page.evaluate(async () => {
    const recorder = (window as unknown as Live).live
    await recorder.audio.stop()
    return recorder.getSnapshot().audio.input
  })
  expect(stopped).toMatchObject({ state: 'off', error: null, blobId: status.blobId })
  expect(stopped.durableParts).toBe(stopped.parts)

  await page.reload()
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
  const back = await page.evaluate(([id, blobId]) => window.voice.readTrack(id, blobId), [id, status.blobId!] as const)
  console.log(`voice: 5 s recorded -> ${back.parts.length} parts, span ${back.spanS.toFixed(3)} s, decoded ${back.decodedS.toFixed(3)} s, peak ${back.peakHz} Hz, zero crossings ${back.crossingHz.toFixed(1)} Hz, rms ${back.rms.toFixed(3)}`)
  expect(back.parts).toEqual([...Array(stopped.parts).keys()])
  expect(back.parts.length).toBeGreaterThanOrEqual(5)
  // The parts cover the recording (5 s, plus what the page took to stop), and decode to as much audio.
  expect(back.spanS).toBeGreaterThan(4.8)
  expect(back.spanS).toBeLessThan(6.5)
  expect(Math.abs(back.decodedS - back.spanS)).toBeLessThan(0.3)
  // The fake microphone's tone, not silence (RMS 0). The level is not the file's (0.35): the
  // microphone goes through Chromium's voice processing (gain control, noise suppression).
  expect(back.rms).toBeGreaterThan(0.02)
  expect(Math.abs(back.peakHz - TONE_HZ)).toBeLessThanOrEqual(10)
  expect(Math.abs(back.crossingHz - TONE_HZ)).toBeLessThan(TONE_HZ * 0.03)
  // One audio.input event per part, in order, each naming its part exactly.
  expect(back.eventParts).toEqual(back.parts)
  expect(back.eventsMatch).toBe(true)
})

test('a tab closed mid-recording keeps every slice but the one in progress', async ({ microphone }) => {
  const page = await microphone.open()
  const { id, status } = await startMicrophone(page)
  expect(status.state).toBe('recording')
  const startedAt = Date.now()
  await page.waitForTimeout(3500)
  const before = await page.evaluate(() => (window as unknown as Live).live.getSnapshot().audio.input)
  await page.close({ runBeforeUnload: true })
  const recordedS = (Date.now() - startedAt) / 1000

  const reader = await microphone.open()
  const back = await reader.evaluate(([id, blobId]) => window.voice.readTrack(id, blobId), [id, status.blobId!] as const)
  console.log(`voice: tab closed after ${recordedS.toFixed(2)} s of recording -> ${back.parts.length} parts stored (${before.durableParts} confirmed before the close), decoded ${back.decodedS.toFixed(3)} s, peak ${back.peakHz} Hz`)
  // Slices end each second: all the finished ones are kept, the one in progress is lost; a
  // slice handed over in the very moment of the close may be lost too.
  expect(back.parts).toEqual([...Array(back.parts.length).keys()])
  expect(back.parts.length).toBeGreaterThanOrEqual(Math.max(before.durableParts, Math.floor(recordedS) - 1))
  expect(back.parts.length).toBeLessThanOrEqual(Math.ceil(recordedS))
  expect(back.parts.length).toBeGreaterThanOrEqual(2)
  // What is kept plays: the first parts decode to as much audio as they cover, of the tone.
  expect(Math.abs(back.decodedS - back.spanS)).toBeLessThan(0.3)
  expect(Math.abs(back.peakHz - TONE_HZ)).toBeLessThanOrEqual(10)
  // Every audio.input event that made it names a stored part.
  expect(back.eventsMatch).toBe(true)
  expect(back.eventParts.length).toBeGreaterThanOrEqual(back.parts.length - 1)
})

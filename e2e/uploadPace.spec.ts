import { expect, test } from './fixtures'
import { syncTargetPerTest } from './support/server'

const target = syncTargetPerTest()

declare global {
  interface Window {
    /** When the page recorded each `x.token` (epoch ms), by its `i`. */
    recordedAt: number[]
    stopStream: () => void
  }
}

test('a steady 20 events/s: uploads keep pace, the server holds every event older than 2 s at any moment', async ({ profile }) => {
  const page = await profile.open()
  // The recorder's defaults (sync delay 250 ms, interval 30 s): the stream alone must drive uploads.
  const id = await page.evaluate(async (endpoint) => {
    const recorder = window.tapedeck.createRecorder({ endpoint })
    Object.assign(window, { recorderUnderTest: recorder, recordedAt: [] })
    const { id } = await recorder.start()
    let i = 0
    const timer = setInterval(() => {
      window.recordedAt.push(Date.now())
      recorder.record('x.token', { i: i++ })
    }, 50)
    window.stopStream = () => clearInterval(timer)
    return id
  }, target.proxy.url)

  // Each second for 10 s: which events recorded more than 2 s ago are not on the server yet.
  const seconds: Array<{ at: number; recorded: number; onServer: number; missing: number }> = []
  const began = Date.now()
  for (let second = 1; second <= 10; second++) {
    await page.waitForTimeout(began + second * 1000 - Date.now())
    const recordedAt = await page.evaluate(() => window.recordedAt)
    const now = Date.now()
    const held = new Set((await target.events(id)).filter((e) => e.type === 'x.token').map((e) => e.data.i as number))
    const due = recordedAt.flatMap((at, i) => (now - at > 2000 ? [i] : []))
    seconds.push({ at: second, recorded: recordedAt.length, onServer: held.size, missing: due.filter((i) => !held.has(i)).length })
  }
  await page.evaluate(() => window.stopStream())

  const timeline = seconds.map((s) => `${s.at}s: ${s.onServer}/${s.recorded} on the server, ${s.missing} older than 2 s missing`).join('\n')
  expect(seconds.every((s) => s.missing === 0), timeline).toBe(true)
  // The stream ran: ~200 events recorded, most of them already on the server.
  expect(seconds.at(-1)!.recorded).toBeGreaterThanOrEqual(150)
  expect(seconds.at(-1)!.onServer).toBeGreaterThanOrEqual(seconds.at(-1)!.recorded - 60)
})

import { expect, test } from './fixtures'
import { ingestSessions, longSession, studioSessions } from './support/studioData'
import { KEYS, startStudioServer } from './support/studioServer'
import { check, playhead, signIn, studioSuite } from './support/studioSuite'

// The Studio's session page: where a replay opens, audio and captions, a 10,000-event replay, a phone-sized screen.
// Tapedeck Studio as a person uses it (e2e/support/studioSuite.ts): one server with six sessions
// and one Chromium for this file. Each page's screenshot is attached to the report.

const studio = studioSuite()
const { newContext } = studio

test('session: opens at the first message, not on an empty 0:00; a hit named in the URL opens at its moment', async ({}, testInfo) => {
  const context = await newContext()
  const refund = studio.server.sessions.find((s) => s.id === 's_refund_2')!
  const firstMessage = refund.events.find((e) => e.type === 'message.created')!
  expect(firstMessage.t).toBeGreaterThan(3000)
  const page = await signIn(context, KEYS.read, `/#/sessions/${refund.id}`)
  await expect(page.getByRole('slider', { name: 'Timeline' })).toBeVisible()
  expect(await playhead(page)).toBe(firstMessage.t)
  const current = page.locator('.row[aria-current="true"]')
  await expect(current).toContainText('I want a refund for my broken kettle.')
  // The call's details, in a panel nothing covers (its centre is the topmost element there).
  const details = page.getByRole('region', { name: 'Call details' })
  await expect(details.locator('[data-field="model"]')).toHaveText('claude-3-5-haiku')
  const box = (await details.boundingBox())!
  expect(await page.evaluate(([x, y]) => !!document.elementFromPoint(x!, y!)?.closest('.tapedeck-call-details'), [box.x + box.width / 2, box.y + Math.min(box.height / 2, 40)])).toBe(true)
  await check(page, testInfo, 'session')

  // A search hit named in the URL: the tool argument of another session, seq in `hit`.
  const route = studio.server.sessions.find((s) => s.id === 's_route_3')!
  const hit = route.events.find((e) => e.type === 'tool.call.started')!
  await page.goto(`/#/sessions/${route.id}?hit=${hit.seq}&q=zebracrossing`)
  await expect(page.locator('.replay')).toHaveAttribute('data-session', route.id)
  await expect.poll(() => playhead(page)).toBe(hit.t)
  await expect(page.locator('.row--selected')).toContainText('zebracrossing')
  await expect(page.locator('.row--selected mark')).toHaveText('zebracrossing')
  await context.close()
})

test('session: plays with audio — waveform drawn, transcript caption in sync, inactivity skipped', async ({}, testInfo) => {
  const context = await newContext()
  const voice = studio.server.sessions.find((s) => s.id === 's_voice_1')!
  const page = await signIn(context, KEYS.read, `/#/sessions/${voice.id}?t=900`)
  await expect(page.locator('.waveform')).toHaveAttribute('data-ready', 'true')
  // The waveform has sound where the user spoke (1–3 s of the session) and silence before it.
  const ink = await page.getByTestId('waveform').evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d')!
    const column = (fraction: number) => {
      const x = Math.floor(canvas.width * fraction)
      const data = context.getImageData(x, 0, 1, canvas.height).data
      let painted = 0
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++
      return painted
    }
    return { silence: column(0.01), speech: column(0.06) }
  })
  expect(ink.speech).toBeGreaterThan(ink.silence + 10)

  await page.getByRole('button', { name: 'Play' }).click()
  // The user's audio plays (its element's clock moves) and the caption shows what they said.
  await expect.poll(() => page.getByTestId('tapedeck-audio-input').evaluate((audio: HTMLAudioElement) => audio.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.3)
  await expect(page.getByTestId('caption')).toHaveText(/user: Where is my order A1042\?/, { timeout: 10_000 })
  await testInfo.attach('session-playing', { body: await page.screenshot(), contentType: 'image/png' })
  // 20 s of silence after the answer's audio: skipped, so at 1× the last message comes within
  // 8 s of real time (without the skip it would take more than 20 s).
  const last = voice.events.filter((e) => e.type === 'message.created').at(-1)!
  expect(last.t - voice.events.find((e) => e.type === 'audio.output')!.t).toBeGreaterThan(20_000)
  await expect.poll(() => playhead(page), { timeout: 8_000 }).toBeGreaterThanOrEqual(last.t)
  await context.close()
})

test('session: a 10,000-event replay opens and takes input; its time is measured against a 7-event one', async () => {
  // A server of its own, so the other tests' counts and totals stay those of the six sessions.
  const own = await startStudioServer({ seed: false })
  const long = longSession('s_long_10k', 10_000)
  const small = studioSessions().find((session) => session.id === 's_small_5')!
  expect(long.events.length).toBeGreaterThanOrEqual(9_990)
  await ingestSessions(own.url, KEYS.ingest, [long, small], 500)
  const context = await studio.browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: own.url })
  const page = await signIn(context, KEYS.read, `/#/sessions/${long.id}`)
  await expect(page.getByRole('slider', { name: 'Timeline' })).toBeVisible()
  // Each replay as a new document at its address (a reload, a link opened in this tab), from its
  // navigation start to the replay on screen. The anchor is the same page with a small session in
  // the same run: the same code, server and machine, so the ratio is what the 10,000 events cost.
  // Best of two alternating rounds: this machine is shared, one slow round says little.
  const readyAt = async (id: string) => {
    await page.goto(`/#/sessions/${id}`)
    await page.reload()
    await expect(page.getByRole('slider', { name: 'Timeline' })).toBeVisible()
    return page.evaluate(() => performance.getEntriesByName('tapedeck-replay-ready')[0]?.startTime ?? Number.NaN)
  }
  const smalls: number[] = []
  const longs: number[] = []
  for (let round = 0; round < 2; round++) {
    smalls.push(await readyAt(small.id))
    longs.push(await readyAt(long.id))
  }
  const anchorMs = Math.min(...smalls)
  const readyMs = Math.min(...longs)
  // It takes input: a key moves the playhead at once.
  const before = await playhead(page)
  await page.getByRole('slider', { name: 'Timeline' }).press('ArrowRight')
  await expect.poll(() => playhead(page)).toBe(before + 1000)
  console.log(
    `Replay ready after navigation start: ${long.events.length} events ${Math.round(readyMs)} ms, ${small.events.length} events ${Math.round(anchorMs)} ms; ratio ${(readyMs / anchorMs).toFixed(2)} (rounds: ${longs.map(Math.round).join(', ')} / ${smalls.map(Math.round).join(', ')} ms)`,
  )
  // No bar yet: measured 546 ms (1.21× the small session) at a load average of 8 on a shared
  // 2-core machine, 776–1,367 ms (1.56–2.6×) before the timeline fix, at loads of 5 to 18 — the 1 s belongs in bench/run.mjs, with its anchors.
  expect(readyMs).toBeGreaterThan(0)
  await context.close()
  await own.close()
})

test('phone-sized (390 × 844): every page usable, nothing serious for axe', async ({}, testInfo) => {
  const context = await newContext({ width: 390, height: 844 })
  const page = await signIn(context, KEYS.read, '/#/sessions')
  await expect(page.getByRole('table', { name: 'Sessions' }).locator('tbody tr:not(.hit-row)')).toHaveCount(studio.server.sessions.length)
  await check(page, testInfo, 'sessions-phone')
  await page.goto('/#/sessions/s_voice_1')
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible()
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  await check(page, testInfo, 'session-phone')
  await context.close()
})

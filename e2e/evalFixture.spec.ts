import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Page } from '@playwright/test'
import { loadRecording } from '@tapedeck/player'
import { exportSessionsOnFailure, tapedeckFixtures, type TapedeckFixtures } from '@tapedeck/player/playwright'
import { expect, test as base } from './fixtures'

// The fixture on the profile's page (these tests' Chromium), as an app's own `page` would be.
const test = base.extend<{ page: Page }>({ page: async ({ profile }, use) => use(await profile.open()) }).extend<TapedeckFixtures>(tapedeckFixtures)

async function recordInPage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const recorder = window.tapedeck.createRecorder()
    Object.assign(window, { tapedeckRecorder: recorder })
    const { id } = await recorder.start({ feature: 'checkout' })
    recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'Where is my parcel?' })
    recorder.record('error.raised', { message: 'The answer never came', source: 'chat' })
    return id
  })
}

test('a failed test leaves the page\'s sessions next to its trace, as NDJSON the player reads', async ({ page, tapedeckRecorder }, testInfo) => {
  expect(tapedeckRecorder).toBe('tapedeckRecorder')
  const sessionId = await recordInPage(page)
  // What the fixture does after a test that failed (this one passes: its status is set here).
  const failed = { status: 'failed', expectedStatus: 'passed', outputPath: testInfo.outputPath.bind(testInfo), attach: testInfo.attach.bind(testInfo) }
  const files = await exportSessionsOnFailure(page, failed)
  expect(files).toEqual([testInfo.outputPath(`tapedeck-${sessionId}.jsonl`)])
  expect(dirname(files[0]!)).toBe(testInfo.outputDir) // where Playwright writes trace.zip
  expect(testInfo.attachments.map((a) => [a.name, a.contentType])).toEqual([[`tapedeck-${sessionId}.jsonl`, 'application/x-ndjson']])
  const recording = await loadRecording(readFileSync(files[0]!, 'utf8'))
  expect(recording.sessionId).toBe(sessionId)
  expect(recording.events.map((e) => e.type)).toEqual(['session.started', 'message.created', 'error.raised'])

  // A test that ended as expected exports nothing.
  const passed = { ...failed, status: 'passed' }
  expect(await exportSessionsOnFailure(page, passed)).toEqual([])
})

test('a page without a recorder at the path gives nothing, and does not fail the test', async ({ page }, testInfo) => {
  const failed = { status: 'failed', expectedStatus: 'passed', outputPath: testInfo.outputPath.bind(testInfo), attach: testInfo.attach.bind(testInfo) }
  expect(await exportSessionsOnFailure(page, failed, { recorder: 'nowhere.recorder' })).toEqual([])
  expect(existsSync(testInfo.outputDir) ? testInfo.attachments : []).toEqual([])
})

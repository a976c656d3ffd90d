// `@tapedeck/player/playwright`: a Playwright fixture that keeps the Tapedeck sessions of a failed
// test next to its trace. No dependency on @playwright/test: the fixture is plain data that
// `test.extend()` takes.

/** What the fixture needs of a Playwright `Page`. */
export interface PageLike {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>
  isClosed(): boolean
}

/** What the fixture needs of Playwright's `TestInfo`. */
export interface TestInfoLike {
  status?: string
  expectedStatus: string
  outputPath(...segments: string[]): string
  attach(name: string, options: { path: string; contentType: string }): Promise<void>
}

export interface ExportedSession {
  sessionId: string
  /** Tapedeck NDJSON, as `recorder.sessions.export()` gives it (`loadRecording` reads it). */
  ndjson: string
}

export interface SessionExportOptions {
  /**
   * Where the page keeps its recorder: a property path from `globalThis` (`tapedeckRecorder`,
   * `Tapedeck.recorder`). Default `tapedeckRecorder`.
   */
  recorder?: string
  /** Most sessions to export, newest first. Default 10. */
  limit?: number
}

/**
 * Reads the recorder's sessions out of the page (after a `flush()`), newest first, as NDJSON.
 * An empty list when the page has no recorder at that path.
 */
export async function exportSessions(page: PageLike, options: SessionExportOptions = {}): Promise<ExportedSession[]> {
  if (page.isClosed()) return []
  return page.evaluate(
    async ({ path, limit }) => {
      const recorder = path.split('.').reduce<unknown>((object, key) => (object as Record<string, unknown> | undefined)?.[key], globalThis) as
        | { flush?(): Promise<void>; sessions: { list(query?: { limit?: number }): Promise<{ sessions: Array<{ id: string }> }>; export(id: string): Promise<Blob> } }
        | undefined
      if (!recorder?.sessions) return []
      await recorder.flush?.()
      const { sessions } = await recorder.sessions.list({ limit })
      const out: Array<{ sessionId: string; ndjson: string }> = []
      for (const session of sessions) out.push({ sessionId: session.id, ndjson: await (await recorder.sessions.export(session.id)).text() })
      return out
    },
    { path: options.recorder ?? 'tapedeckRecorder', limit: options.limit ?? 10 },
  )
}

/**
 * After a test that did not end as expected, writes each session of the page to
 * `tapedeck-{sessionId}.jsonl` in the test's output folder (where `trace.zip` goes) and attaches
 * it to the report. Returns the files written.
 */
export async function exportSessionsOnFailure(page: PageLike, testInfo: TestInfoLike, options: SessionExportOptions = {}): Promise<string[]> {
  if (testInfo.status === testInfo.expectedStatus) return []
  const { writeFile } = await import('node:fs/promises')
  const files: string[] = []
  for (const session of await exportSessions(page, options).catch(() => [])) {
    const name = `tapedeck-${session.sessionId.replace(/[^\w.-]/g, '_')}.jsonl`
    const path = testInfo.outputPath(name)
    await writeFile(path, session.ndjson)
    await testInfo.attach(name, { path, contentType: 'application/x-ndjson' })
    files.push(path)
  }
  return files
}

type Use<T> = (value: T) => Promise<void>

/** The fixtures' types, for `base.extend<TapedeckFixtures>(tapedeckFixtures)`. */
export interface TapedeckFixtures {
  /** Where the page keeps its recorder (a property path from `globalThis`). Default `tapedeckRecorder`. */
  tapedeckRecorder: string
  /** Automatic: exports the page's sessions after a failed test. */
  tapedeckSessions: void
}

/**
 * Fixtures for `test.extend(tapedeckFixtures)`: `tapedeckRecorder` (an option: where the page
 * keeps its recorder) and an automatic `tapedeckSessions` fixture that exports the page's sessions
 * when the test fails.
 *
 * ```ts
 * import { test as base } from '@playwright/test'
 * import { tapedeckFixtures, type TapedeckFixtures } from '@tapedeck/player/playwright'
 * export const test = base.extend<TapedeckFixtures>(tapedeckFixtures)
 * // test.use({ tapedeckRecorder: 'Tapedeck.recorder' }) where the page keeps it elsewhere
 * ```
 */
export const tapedeckFixtures = {
  tapedeckRecorder: ['tapedeckRecorder', { option: true }] as [string, { option: true }],
  tapedeckSessions: [
    async ({ page, tapedeckRecorder }: { page: PageLike; tapedeckRecorder: string }, use: Use<void>, testInfo: TestInfoLike) => {
      await use()
      await exportSessionsOnFailure(page, testInfo, { recorder: tapedeckRecorder })
    },
    { auto: true },
  ] as [(fixtures: { page: PageLike; tapedeckRecorder: string }, use: Use<void>, testInfo: TestInfoLike) => Promise<void>, { auto: true }],
}

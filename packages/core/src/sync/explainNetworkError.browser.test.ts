import { afterEach, expect, test } from 'vitest'
import { closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'

afterEach(closeAll)

test('an upload to another origin that gets no answer says in the status: CORS or the URL, and --cors-origin', async () => {
  // Nothing listens on port 9: the page sees the same bare "Failed to fetch" as for a preflight its
  // CORS settings refuse (the test servers here all allow any origin).
  const recorder = recorderFor(uniqueDb(), { endpoint: 'http://127.0.0.1:9/rec', retry: { baseMs: 20, capMs: 200 }, syncDelayMs: 0 })
  await recorder.start()
  recorder.record('message.created', { messageId: 'm1', role: 'user', content: 'hello' })
  await recorder.flush()
  void recorder.syncNow()
  const errors = await waitFor(
    () => recorder.getSnapshot().errors.filter((error) => error.code === 'sync_failed'),
    (found) => found.length > 0,
    10_000,
  )
  expect(errors[0]!.message).toContain('network error: Failed to fetch')
  expect(errors[0]!.message).toContain(`another origin than this page (${location.origin})`)
  expect(errors[0]!.message).toContain(`--cors-origin ${location.origin}`)
})

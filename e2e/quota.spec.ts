import { expect, test } from './fixtures'
import { unexplainedSeqs } from './support/unexplainedSeqs'

// A real quota, enforced by Chromium (DevTools protocol), set before the profile first opens
// IndexedDB: the storage backend reads the quota when it opens.
test('a full disk: what was sent is evicted first; what still does not fit is dropped visibly, never silently', async ({ profile }) => {
  const page = await profile.context.newPage()
  const cdp = await profile.context.newCDPSession(page)
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: 'http://127.0.0.1:5179', quotaSize: 3 * 1024 * 1024 })
  await page.goto('/')
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })

  const result = await page.evaluate(async () => {
    const noise = (chars: number) => {
      const bytes = new Uint8Array(Math.ceil((chars * 3) / 4))
      for (let at = 0; at < bytes.length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536))
      let text = ''
      for (const byte of bytes) text += String.fromCharCode(byte)
      return btoa(text).slice(0, chars)
    }
    const recorder = window.tapedeck.createRecorder({ maxBatchEvents: 4 })
    Object.assign(window, { recorderUnderTest: recorder })
    const { id } = await recorder.start()
    const fill = async (type: `x.${string}`, count: number) => {
      for (let i = 0; i < count; i++) recorder.record(type, { blob: noise(32 * 1024) })
      return recorder.flush()
    }
    const steps: Record<string, unknown> = {}
    // Fill the disk with data a server already has (as sync marks it).
    await fill('x.sent', 64)
    steps.afterSent = { ...recorder.getSnapshot().counts }
    const sentBefore = await window.tapedeck.markAllSent()

    // Keep writing: every write that does not fit must first make room from sent chunks.
    await fill('x.new', 96)
    steps.afterNew = { ...recorder.getSnapshot().counts }
    const chunks = await window.tapedeck.chunkStates()
    steps.sentBefore = sentBefore
    steps.sentAfter = chunks.filter((c) => c.state === 'sent').length
    steps.pendingEvents = chunks.filter((c) => c.state === 'pending').reduce((n, c) => n + c.count, 0)

    // Nothing sent is left to evict: more than fits must be dropped, and said so.
    await fill('x.too-much', 128)
    const status = recorder.getSnapshot()
    steps.final = { counts: status.counts, error: status.error?.code }
    return { id, steps }
  })

  const { steps } = result
  expect(steps.sentAfter).toBeLessThan(steps.sentBefore as number)
  expect((steps.afterNew as { dropped: number }).dropped).toBe(0)
  expect(steps.pendingEvents).toBe(96)
  const final = steps.final as { counts: { accepted: number; durable: number; dropped: number }; error: string }
  expect(final.counts.dropped).toBeGreaterThan(0)
  expect(final.error).toBe('quota_exceeded')
  expect(final.counts.durable + final.counts.dropped).toBe(final.counts.accepted)

  // Room again: the same tab records on; the loss is on the record as recorder.dropped, and seq has no hole.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: 'http://127.0.0.1:5179' })
  const back = await page.evaluate(async (id) => {
    const recorder = window.recorderUnderTest
    recorder.record('x.after', {})
    await recorder.flush()
    const events = await recorder.sessions.events(id)
    return { events: events.map(({ seq, type, data }) => ({ seq, type, data: data as Record<string, unknown> })), dropped: events.filter((e) => e.type === 'recorder.dropped').map((e) => e.data as { count: number; reason: string }) }
  }, result.id)
  // Evicted chunks (already on a server) are gone from here; what is left has no unexplained hole:
  // the seqs of batches the page stamped and the disk refused are explained (seq.skipped, not_stored).
  // (Up to x.after: past it, the rest of the live page's seq lease is still open.)
  const first = back.events[0]!.seq
  const after = back.events.find((e) => e.type === 'x.after')!.seq
  expect(unexplainedSeqs(back.events).filter((seq) => seq >= first && seq < after)).toEqual([])
  expect(back.events.findLast((e) => e.type.startsWith('x.'))?.type).toBe('x.after')
  expect(back.dropped.reduce((n, d) => n + d.count, 0)).toBe(final.counts.dropped)
  expect(back.dropped.every((d) => d.reason === 'quota_exceeded')).toBe(true)
})

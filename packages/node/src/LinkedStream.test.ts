import OpenAI from 'openai'
import { expect, it } from 'vitest'
import { BROWSER } from '../test/backend'
import { useRecorderFixture } from '../test/recorderFixture'

// What waits in memory is bounded, batches are bounded in bytes, and an event too large for the
// backend is shrunk (an LLM call) or refused (the app's own), never sent to be refused.
// Full capture: these tests size batches and the queue by the text the app records (metadata mode would strip it).
const fixture = useRecorderFixture({ flushIntervalMs: 5, capture: 'full' })
const open = fixture.open

const note = (n: number) => ({ n, text: 'x'.repeat(100) })

it('past maxQueueBytes while the backend is stuck, new events are dropped and counted; the stream says so with recorder.dropped and stays gapless', async () => {
  let release!: () => void
  const stuck = new Promise<void>((resolve) => (release = resolve))
  const tapedeck = open({ maxQueueBytes: 2000, fetch: async (input, init) => (await stuck, fetch(input, init)) })
  const taken = tapedeck.run(BROWSER, () => Array.from({ length: 50 }, (_, n) => tapedeck.record('x.note', note(n))))
  const kept = taken.filter(Boolean).length
  expect(kept).toBeGreaterThan(5)
  expect(kept).toBeLessThan(25)
  expect(tapedeck.stats.dropped).toBe(50 - kept)

  release()
  await tapedeck.flush()
  expect(tapedeck.run(BROWSER, () => tapedeck.record('x.note', note(50)))).toBe(true)
  await tapedeck.close()

  const stream = await fixture.backend.stream()
  expect(stream.map((event) => event.seq)).toEqual(stream.map((_, i) => i))
  expect(stream.filter((event) => event.type === 'x.note').map((event) => (event.data as { n: number }).n)).toEqual([...taken.keys()].filter((n) => taken[n]).concat(50))
  const marker = stream.find((event) => event.type === 'recorder.dropped')!
  expect(marker.data).toEqual({ count: 50 - kept, reason: 'queue_full' })
  expect(stream.indexOf(marker)).toBe(stream.length - 3) // just before the first event after the room came back
  expect((await fixture.backend.detail(stream[0]!.sessionId)).completeness).toMatchObject({ complete: true, gaps: [] })
})

it('batches stay under maxBatchBytes (one event alone may pass it)', async () => {
  const ranges: string[] = []
  const tapedeck = open({
    maxBatchBytes: 1000,
    fetch: async (input, init) => {
      ranges.push(new Headers(init?.headers).get('tapedeck-seq')!)
      return fetch(input, init)
    },
  })
  tapedeck.run(BROWSER, () => {
    for (let n = 0; n < 10; n++) tapedeck.record('x.note', note(n))
    tapedeck.record('x.note', { n: 10, text: 'y'.repeat(3000) })
  })
  await tapedeck.flush()
  const sizes = ranges.map((range) => range.split('-').map(Number)).map(([from, to]) => to! - from! + 1)
  expect(sizes.reduce((a, b) => a + b)).toBe(12)
  // About 300 characters an event: three to a batch at most, and the large one on its own.
  expect(Math.max(...sizes)).toBeLessThanOrEqual(3)
  expect(ranges.at(-1)).toBe('11-11')
  expect((await fixture.backend.stream()).length).toBe(12)
})

it('over maxEventBytes, an LLM call is recorded shrunk (as in the browser) and an event of the app’s is refused with event_too_large', async () => {
  const errors: Array<{ code?: string }> = []
  const tapedeck = open({ capture: 'full', maxEventBytes: 6000, onError: (error) => errors.push(error as { code?: string }) })
  const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${fixture.mock.url}/v1`, fetch: tapedeck.fetch, maxRetries: 0 })
  await tapedeck.run(BROWSER, async () => {
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Summarise: ${'lorem ipsum '.repeat(1000)}` }] })
    expect(tapedeck.record('x.big', { text: 'z'.repeat(7000) })).toBe(false)
  })
  await tapedeck.flush()
  expect(errors.map((error) => error.code)).toEqual(['event_too_large'])
  const stream = await fixture.backend.stream()
  expect(stream.map((event) => event.type)).toEqual(['session.started', 'provider.call.started', 'provider.call.completed'])
  const started = stream[1]!.data as { truncated?: boolean; messages: Array<{ content: string }> }
  expect(started.truncated).toBe(true)
  expect(started.messages[0]!.content.length).toBeLessThan(2100)
})

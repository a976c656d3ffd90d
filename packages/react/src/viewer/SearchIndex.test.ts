import { expect, test } from 'vitest'
import { eventList } from '../../test/events'
import { SearchIndex, searchableText } from './SearchIndex'

function conversation() {
  const { events, add } = eventList()
  add('session.started', {})
  add('message.created', { messageId: 'm1', role: 'user', content: 'Where is my order A1042?' })
  add('provider.call.started', {
    callId: 'c1',
    provider: 'openai',
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi, how can I help?' },
      { role: 'user', content: 'Where is my order A1042?' },
    ],
  })
  add('provider.call.completed', { callId: 'c1', model: 'gpt-4o-mini', response: { text: '', toolCalls: [{ name: 'lookupOrder', arguments: { orderId: 'A1042' } }] } })
  add('tool.call.started', { toolCallId: 't1', name: 'lookupOrder', args: { orderId: 'A1042' } })
  add('tool.call.completed', { toolCallId: 't1', name: 'lookupOrder', result: { status: 'shipped', eta: 'Thursday' } })
  add('provider.call.completed', { callId: 'c2', model: 'gpt-4o-mini', response: { text: 'Order A1042 is SHIPPED, arriving Thursday.' } })
  add('transcript.segment', { speaker: 'user', text: 'thursday works', startT: 0, endT: 10, final: true })
  add('x.other', { text: 'thursday is not searchable here' })
  return events
}

test('finds text in prompts, responses, messages, tools and transcripts, case-insensitively, in event order', async () => {
  const index = new SearchIndex(conversation())
  const result = await index.search('THURSDAY')
  expect(result.total).toBe(3)
  expect(result.hits.map((h) => [h.seq, h.field])).toEqual([
    [5, 'tool'],
    [6, 'response'],
    [7, 'transcript'],
  ])
  expect(result.hits[1]!.snippet).toBe('Order A1042 is SHIPPED, arriving Thursday.')
  expect((await index.search('a1042')).hits.map((h) => [h.seq, h.field])).toEqual([
    [1, 'message'],
    [2, 'prompt'],
    [3, 'response'],
    [4, 'tool'],
    [6, 'response'],
  ])
  expect(await index.search('   ')).toEqual({ query: '   ', hits: [], total: 0 })
})

test("a prompt is searched for what the call added, not for the whole conversation it repeats", () => {
  const started = conversation()[2]!
  expect(searchableText(started)).toEqual({ field: 'prompt', text: 'Be brief. Where is my order A1042?' })
})

test('counts every match, keeps the first `limit`, and snippets cut long text around the match', async () => {
  const { events, add } = eventList()
  for (let i = 0; i < 1000; i++) add('message.created', { messageId: `m${i}`, role: 'user', content: `${'x'.repeat(100)} needle ${i} ${'y'.repeat(100)}` })
  const result = await new SearchIndex(events).search('needle', { limit: 5 })
  expect(result.total).toBe(1000)
  expect(result.hits.map((h) => h.seq)).toEqual([0, 1, 2, 3, 4])
  expect(result.hits[0]!.snippet).toBe(`…${'x'.repeat(39)} needle 0 ${'y'.repeat(57)}…`)
})

test('a long search yields to the page between slices, and stops when cancelled', async () => {
  const { events, add } = eventList()
  for (let i = 0; i < 50_000; i++) add('message.created', { messageId: `m${i}`, role: 'user', content: `message number ${i} with some words in it` })
  let yields = 0
  const counting = setInterval(() => yields++, 0)
  const result = await new SearchIndex(events).search('number 49999', { sliceMs: 1 })
  clearInterval(counting)
  expect(result.total).toBe(1)
  expect(yields).toBeGreaterThan(0) // timers ran while it searched

  const controller = new AbortController()
  const search = new SearchIndex(events).search('words', { signal: controller.signal, sliceMs: 1 })
  controller.abort()
  await expect(search).rejects.toThrow()
})

test('a match never spans two events, and each event counts once however often it matches', async () => {
  const { events, add } = eventList()
  add('message.created', { messageId: 'm1', role: 'user', content: 'abc' })
  add('message.created', { messageId: 'm2', role: 'user', content: 'def def def' })
  const index = new SearchIndex(events)
  expect((await index.search('cd')).total).toBe(0)
  expect(await index.search('DEF')).toMatchObject({ total: 1, hits: [{ seq: 1, field: 'message', snippet: 'def def def' }] })
})

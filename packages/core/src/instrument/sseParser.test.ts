import { describe, expect, test } from 'vitest'
import { createSseParser, type SseEvent } from './sseParser'

function parse(pieces: string[], end = true): SseEvent[] {
  const events: SseEvent[] = []
  const parser = createSseParser((event) => events.push(event))
  for (const piece of pieces) parser.push(piece)
  if (end) parser.end()
  return events
}

describe('createSseParser', () => {
  test('named events and data, as Anthropic sends them', () => {
    const text =
      'event: message_start\ndata: {"type":"message_start"}\n\n' +
      'event: ping\ndata: {"type": "ping"}\n\n' +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    expect(parse([text])).toEqual([
      { event: 'message_start', data: '{"type":"message_start"}', id: undefined },
      { event: 'ping', data: '{"type": "ping"}', id: undefined },
      { event: 'message_stop', data: '{"type":"message_stop"}', id: undefined },
    ])
  })

  test('unnamed data events and [DONE], as OpenAI Chat Completions sends them', () => {
    expect(parse(['data: {"a":1}\n\ndata: [DONE]\n\n']).map((e) => [e.event, e.data])).toEqual([
      [undefined, '{"a":1}'],
      [undefined, '[DONE]'],
    ])
  })

  test('the same events whatever way the text is split, CRLF and CR line ends included', () => {
    const text = 'event: a\r\ndata: one\r\n\r\nevent: b\rdata: two\r\rdata: x\ndata: y\n\n'
    const whole = parse([text])
    expect(whole.map((e) => [e.event, e.data])).toEqual([
      ['a', 'one'],
      ['b', 'two'],
      [undefined, 'x\ny'],
    ])
    for (let size = 1; size <= 7; size++) {
      const pieces: string[] = []
      for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size))
      expect(parse(pieces)).toEqual(whole)
    }
  })

  test('comments, unknown fields, retry and a missing space after the colon', () => {
    const events = parse([': keep-alive\nretry: 100\nfoo: bar\nid: 7\ndata:{"x":1}\n\n'])
    expect(events).toEqual([{ event: undefined, data: '{"x":1}', id: '7' }])
  })

  test('an event is dispatched only at its blank line, or at the end of the stream', () => {
    const events: SseEvent[] = []
    const parser = createSseParser((event) => events.push(event))
    parser.push('data: {"partial"')
    parser.push(':true}\n')
    expect(events).toEqual([])
    parser.push('\n')
    expect(events.map((e) => e.data)).toEqual(['{"partial":true}'])
    parser.push('data: last')
    parser.end()
    expect(events.map((e) => e.data)).toEqual(['{"partial":true}', 'last'])
  })

  test('an event with no data is not dispatched, and the event name does not leak into the next', () => {
    expect(parse(['event: empty\n\ndata: z\n\n'])).toEqual([{ event: undefined, data: 'z', id: undefined }])
  })
})

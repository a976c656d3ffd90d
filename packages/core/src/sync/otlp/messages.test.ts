import { describe, expect, test } from 'vitest'
import { toInputMessages, toOutputMessages } from './messages'

describe('GenAI message shapes (includeContent only)', () => {
  test('input: string content, OpenAI-style content parts, semconv parts and tool calls', () => {
    expect(
      toInputMessages([
        'hi',
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'u' } }] },
        { role: 'assistant', parts: [{ type: 'text', content: 'ok' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', function: { name: 'get', arguments: '{"a":1}' } }] },
      ]),
    ).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hi' }] },
      { role: 'user', parts: [{ type: 'text', content: 'look' }, { type: 'image_url', image_url: { url: 'u' } }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'ok' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get', arguments: '{"a":1}' }] },
    ])
    expect(toInputMessages(undefined)).toBeUndefined()
  })

  test('output: a string or { text, toolCalls }, with the finish reason when known', () => {
    expect(toOutputMessages('done', 'stop')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'done' }], finish_reason: 'stop' }])
    expect(toOutputMessages({ text: '', toolCalls: [{ id: 't', name: 'f', args: { x: 1 } }] }, undefined)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: '' }, { type: 'tool_call', id: 't', name: 'f', arguments: { x: 1 } }] },
    ])
    expect(toOutputMessages(undefined, 'stop')).toBeUndefined()
  })
})

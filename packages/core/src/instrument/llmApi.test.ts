import { describe, expect, test } from 'vitest'
import { anthropicMessages } from './anthropicMessages'
import { credentialsOf, recordableUrl, scrubCredentials } from './credentials'
import { detectLlmApi, providerForUrl } from './llmApi'
import { openaiChat } from './openaiChat'
import { openaiResponses } from './openaiResponses'

describe('detectLlmApi: by path shape, so any compatible base URL works', () => {
  test.each([
    ['https://api.openai.com/v1/chat/completions', 'openai.chat'],
    ['https://openrouter.ai/api/v1/chat/completions', 'openai.chat'],
    ['https://x.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21', 'openai.chat'],
    ['https://generativelanguage.googleapis.com/v1beta/openai/chat/completions', 'openai.chat'],
    ['http://localhost:11434/v1/chat/completions/', 'openai.chat'],
    ['https://api.openai.com/v1/responses', 'openai.responses'],
    ['https://x.openai.azure.com/openai/responses?api-version=x', 'openai.responses'],
    ['https://api.anthropic.com/v1/messages', 'anthropic.messages'],
    ['https://api.openai.com/v1/embeddings', undefined],
    ['https://example.com/api/messages', undefined],
    ['https://example.com/responses', undefined],
    ['https://api.anthropic.com/v1/messages/count_tokens', undefined],
  ])('%s → %s', (url, api) => {
    expect(detectLlmApi(new URL(url))).toBe(api)
  })

  test('provider names from the host', () => {
    expect(providerForUrl(new URL('https://api.openai.com/v1/x'), 'openai')).toBe('openai')
    expect(providerForUrl(new URL('https://eu.api.openai.com/v1/x'), 'openai')).toBe('openai')
    expect(providerForUrl(new URL('https://openrouter.ai/api/v1/x'), 'openai')).toBe('openrouter')
    expect(providerForUrl(new URL('http://127.0.0.1:8080/v1/x'), 'openai')).toBe('openai-compatible')
    expect(providerForUrl(new URL('http://127.0.0.1:8080/v1/x'), 'anthropic')).toBe('anthropic-compatible')
  })
})

describe('credentials', () => {
  test('are found in headers of every shape and in the query, and scrubbed from recorded values', () => {
    const url = new URL('https://example.com/v1/chat/completions?key=AIzaSECRETKEY1')
    const secrets = credentialsOf(url, { Authorization: 'Bearer sk-test-SECRET123' }, [['x-api-key', 'sk-ant-SECRET456']], new Headers({ cookie: 'session=abcdefgh1' }))
    expect(secrets).toEqual(expect.arrayContaining(['Bearer sk-test-SECRET123', 'sk-test-SECRET123', 'sk-ant-SECRET456', 'session=abcdefgh1', 'AIzaSECRETKEY1']))
    const scrubbed = scrubCredentials({ a: 'Incorrect API key provided: sk-test-SECRET123.', b: ['sk-ant-SECRET456'], n: 1 }, secrets)
    expect(scrubbed).toEqual({ a: 'Incorrect API key provided: [credential].', b: ['[credential]'], n: 1 })
    expect(recordableUrl(url)).toBe('https://example.com/v1/chat/completions')
  })

  test('short values are not treated as secrets (they would scrub ordinary words)', () => {
    expect(credentialsOf(new URL('https://x.test/'), { authorization: 'Bearer abc' })).toEqual([])
  })
})

describe('openaiChat', () => {
  test('describes a request: model, parameters under one naming, tool names, prompt', () => {
    const body = {
      model: 'gpt-4o-mini',
      temperature: 0.2,
      max_completion_tokens: 100,
      top_p: 0.9,
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'lookupOrder', parameters: {} } }],
      tool_choice: 'auto',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookupOrder', arguments: '{"orderId":"A1"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
      ],
    }
    expect(openaiChat.describe(body, new URL('https://api.openai.com/v1/chat/completions'))).toEqual({
      model: 'gpt-4o-mini',
      stream: true,
      params: { temperature: 0.2, maxTokens: 100, topP: 0.9, stream: true, tools: ['lookupOrder'], toolChoice: 'auto', includeUsage: true },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Look\n[image]' },
        { role: 'assistant', toolCalls: [{ id: 'call_1', name: 'lookupOrder', arguments: { orderId: 'A1' } }] },
        { role: 'tool', content: '{"status":"shipped"}', toolCallId: 'call_1' },
      ],
    })
  })

  test('reads a stream of chat.completion.chunk events with tool-call deltas and the usage chunk', () => {
    const reader = openaiChat.reader()
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18' }
    const outputs = [
      reader.event(undefined, { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], usage: null }),
      reader.event(undefined, { ...base, choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }], usage: null }),
      reader.event(undefined, { ...base, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null }], usage: null }),
      reader.event(undefined, { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'f', arguments: '' } }] }, finish_reason: null }] }),
      reader.event(undefined, { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }, finish_reason: null }] }),
      reader.event(undefined, { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '1}' } }] }, finish_reason: null }] }),
      reader.event(undefined, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: null }),
      reader.event(undefined, { ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } }),
    ]
    reader.done()
    expect(outputs).toEqual([false, true, true, true, true, true, false, false])
    expect(reader.outcome()).toMatchObject({
      id: 'chatcmpl-1',
      model: 'gpt-4o-mini-2024-07-18',
      text: 'Hello',
      toolCalls: [{ id: 'call_9', name: 'f', arguments: { a: 1 } }],
      finishReason: 'tool_calls',
      rawUsage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      usageFinal: true,
      terminal: true,
    })
  })

  test('an error inside the stream is the outcome', () => {
    const reader = openaiChat.reader()
    reader.event(undefined, { error: { message: 'overloaded', type: 'server_error' } })
    expect(reader.outcome().error).toMatchObject({ name: 'server_error', message: 'overloaded' })
  })
})

describe('openaiResponses', () => {
  test('describes instructions + input items; reads semantic events up to response.completed', () => {
    const described = openaiResponses.describe(
      { model: 'gpt-4o-mini', instructions: 'Be brief.', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }, { type: 'function_call_output', call_id: 'c1', output: 'ok' }], max_output_tokens: 50, reasoning: { effort: 'low' } },
      new URL('https://api.openai.com/v1/responses'),
    )
    expect(described).toMatchObject({
      params: { maxTokens: 50, reasoningEffort: 'low' },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'tool', toolCallId: 'c1', content: 'ok' },
      ],
    })
    const reader = openaiResponses.reader()
    const response = { id: 'resp_1', object: 'response', model: 'gpt-4o-mini-2024-07-18', status: 'in_progress', output: [], usage: null }
    const outputs = [
      reader.event('response.created', { type: 'response.created', sequence_number: 0, response }),
      reader.event('response.output_item.added', { type: 'response.output_item.added', output_index: 0, item: { id: 'msg_1', type: 'message', content: [] } }),
      reader.event('response.output_text.delta', { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hi ' }),
      reader.event('response.output_text.delta', { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'there' }),
      reader.event('response.completed', {
        type: 'response.completed',
        response: {
          ...response,
          status: 'completed',
          output: [{ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi there', annotations: [] }] }],
          usage: { input_tokens: 3, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 5 },
        },
      }),
    ]
    expect(outputs).toEqual([false, false, true, true, false])
    expect(reader.outcome()).toMatchObject({ id: 'resp_1', text: 'Hi there', finishReason: 'completed', usageFinal: true, terminal: true, toolCalls: [] })
  })

  test('function calls from streamed arguments', () => {
    const reader = openaiResponses.reader()
    reader.event(undefined, { type: 'response.output_item.added', output_index: 0, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'lookupOrder', arguments: '' } })
    reader.event(undefined, { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '{"orderId":' })
    reader.event(undefined, { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '"A1"}' })
    expect(reader.outcome()).toMatchObject({ toolCalls: [{ id: 'call_1', name: 'lookupOrder', arguments: { orderId: 'A1' } }], terminal: false })
  })
})

describe('anthropicMessages', () => {
  test('describes system + messages with tool_use and tool_result blocks', () => {
    const described = anthropicMessages.describe(
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        system: [{ type: 'text', text: 'Be brief.' }],
        tools: [{ name: 'lookupOrder', input_schema: {} }],
        messages: [
          { role: 'user', content: 'Where is A1?' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookupOrder', input: { orderId: 'A1' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'shipped' }] },
        ],
      },
      new URL('https://api.anthropic.com/v1/messages'),
    )
    expect(described).toEqual({
      model: 'claude-sonnet-4-5',
      stream: false,
      params: { maxTokens: 1024, tools: ['lookupOrder'] },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Where is A1?' },
        { role: 'assistant', toolCalls: [{ id: 'toolu_1', name: 'lookupOrder', arguments: { orderId: 'A1' } }] },
        { role: 'tool', toolCallId: 'toolu_1', content: 'shipped' },
      ],
    })
  })

  test('reads named events: usage from message_start merged with message_delta; text and tool input', () => {
    const reader = anthropicMessages.reader()
    const outputs = [
      reader.event('message_start', { type: 'message_start', message: { id: 'msg_1', model: 'claude-sonnet-4-5-20250929', content: [], usage: { input_tokens: 25, cache_read_input_tokens: 0, output_tokens: 1 } } }),
      reader.event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      reader.event('ping', { type: 'ping' }),
      reader.event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'On it.' } }),
      reader.event('content_block_stop', { type: 'content_block_stop', index: 0 }),
      reader.event('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'lookupOrder', input: {} } }),
      reader.event('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"orderId"' } }),
      reader.event('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: ':"A1"}' } }),
    ]
    expect(reader.outcome()).toMatchObject({ usageFinal: false, rawUsage: { input_tokens: 25, output_tokens: 1 } }) // the placeholder is not final
    reader.event('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 15 } })
    reader.event('message_stop', { type: 'message_stop' })
    expect(outputs).toEqual([false, false, false, true, false, true, true, true])
    expect(reader.outcome()).toMatchObject({
      id: 'msg_1',
      model: 'claude-sonnet-4-5-20250929',
      text: 'On it.',
      toolCalls: [{ id: 'toolu_1', name: 'lookupOrder', arguments: { orderId: 'A1' } }],
      finishReason: 'tool_use',
      rawUsage: { input_tokens: 25, cache_read_input_tokens: 0, output_tokens: 15 },
      usageFinal: true,
      terminal: true,
    })
  })

  test('an error event (overloaded) is the outcome', () => {
    const reader = anthropicMessages.reader()
    reader.event('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })
    expect(reader.outcome().error).toEqual({ name: 'overloaded_error', message: 'Overloaded' })
  })
})

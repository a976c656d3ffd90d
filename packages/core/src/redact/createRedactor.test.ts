import { describe, expect, it } from 'vitest'
import { TapedeckError } from '../errors'
import { createRedactor } from './index'
import type { RedactOptions } from './types'

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

const chatEvent = () => ({
  v: 1,
  id: '01JD3Z8R6W8S1S4Q4N9GJ6X1T2',
  seq: 42,
  ts: 1732200000000,
  type: 'message.created',
  data: {
    messageId: 'msg_01JD3Z8R6W8S1S4Q4N9GJ6X1T3',
    role: 'user',
    content: 'Can you summarise the meeting notes from 2024-08-06? It cost $12.50 and 1234 tokens.',
    model: 'gpt-4o-2024-08-06',
    usage: { inputTokens: 1234, outputTokens: 56, cost: 0.0125 },
    parts: [{ type: 'text', text: 'hello' }, null, true, 3.5],
    attachments: [],
  },
})

describe('walking an event', () => {
  it('returns the input itself, and count 0, when nothing matches', () => {
    const event = chatEvent()
    const result = createRedactor().redact(event)
    expect(result.value).toBe(event)
    expect(result.count).toBe(0)
  })

  it('redacts strings at any depth, in objects and arrays', () => {
    const event = {
      data: {
        content: 'mail jane@example.com',
        parts: [{ text: 'or call +44 20 7946 0958' }, 'card 4111 1111 1111 1111', 7],
        nested: { deeper: { list: [['ip 10.0.0.1']] } },
      },
    }
    expect(createRedactor().redact(event)).toEqual({
      value: {
        data: {
          content: 'mail [email]',
          parts: [{ text: 'or call [phone]' }, 'card [card]', 7],
          nested: { deeper: { list: [['ip [ip]']] } },
        },
      },
      count: 4,
    })
  })

  it('counts every replacement, several in one string', () => {
    const { value, count } = createRedactor().redact({ a: 'x@y.io, z@w.io and 8.8.8.8', b: ['q@r.io'] })
    expect(value).toEqual({ a: '[email], [email] and [ip]', b: ['[email]'] })
    expect(count).toBe(4)
  })

  it('never mutates its input', () => {
    const event = deepFreeze({
      ...chatEvent(),
      data: { content: 'jane@example.com', headers: { Authorization: 'Bearer abc123def456' }, list: ['8.8.8.8', 'ok'] },
    })
    const before = structuredClone(event)
    const { value } = createRedactor({ paths: ['data.list[1]'] }).redact(event) // frozen: a write would throw
    expect(event).toEqual(before)
    expect(value).not.toBe(event)
  })

  it('copies only along the changed paths and shares the rest', () => {
    const event = chatEvent()
    const withPii = { ...event, data: { ...event.data, parts: [{ text: 'jane@example.com' }, { text: 'fine' }] } }
    const { value } = createRedactor().redact(withPii)
    expect(value).not.toBe(withPii)
    expect(value.data).not.toBe(withPii.data)
    expect(value.data.parts).not.toBe(withPii.data.parts)
    expect(value.data.parts[0]).toEqual({ text: '[email]' })
    expect(value.data.parts[1]).toBe(withPii.data.parts[1])
    expect(value.data.usage).toBe(withPii.data.usage)
    expect(value.data.attachments).toBe(withPii.data.attachments)
    expect(value.id).toBe(withPii.id)
  })

  it('keeps the order of keys and the items around a change', () => {
    const { value } = createRedactor().redact({ a: 1, b: 'jane@example.com', c: [1, 'x@y.io', 3] })
    expect(Object.keys(value)).toEqual(['a', 'b', 'c'])
    expect(value.c).toEqual([1, '[email]', 3])
  })

  it('is idempotent: redacting the output again changes nothing', () => {
    const redactor = createRedactor({ paths: ['data.user'] })
    const first = redactor.redact({
      data: { user: { name: 'Jane' }, password: 'x', note: 'jane@example.com', url: '/?api_key=abc123' },
    })
    expect(first.count).toBe(4)
    const second = redactor.redact(first.value)
    expect(second.value).toBe(first.value)
    expect(second.count).toBe(0)
  })

  it('redacts a string or a primitive passed on its own', () => {
    const redactor = createRedactor()
    expect(redactor.redact('jane@example.com')).toEqual({ value: '[email]', count: 1 })
    expect(redactor.redact(42)).toEqual({ value: 42, count: 0 })
    expect(redactor.redact(null)).toEqual({ value: null, count: 0 })
  })

  it('leaves objects that are not plain JSON as they are', () => {
    const date = new Date(0)
    const map = new Map([['email', 'jane@example.com']])
    const bytes = new Uint8Array([1, 2])
    const input = { date, map, bytes }
    expect(createRedactor().redact(input).value).toBe(input)
  })

  it('handles a "__proto__" key from JSON.parse as an own property', () => {
    const input = JSON.parse('{"__proto__": "jane@example.com", "a": 1}') as Record<string, unknown>
    const { value, count } = createRedactor().redact(input)
    expect(count).toBe(1)
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe('[email]')
    expect(JSON.stringify(value)).toBe('{"__proto__":"[email]","a":1}')
  })

  it('walks objects with a null prototype', () => {
    const input = Object.assign(Object.create(null) as Record<string, unknown>, { email: 'jane@example.com' })
    expect(createRedactor().redact(input).value).toEqual({ email: '[email]' })
  })
})

describe('credentials (always on)', () => {
  const headers = {
    Authorization: 'Basic dXNlcjpwYXNz',
    'Proxy-Authorization': 'x',
    'X-API-Key': 'k',
    'api-key': 'k',
    api_key: 'k',
    apiKey: 'k',
    Cookie: 'a=b',
    'set-cookie': ['a=b', 'c=d'],
    'x-auth-token': 't',
    password: 123,
    Secret: { nested: 'anything' },
    access_token: 't',
    refresh_token: 't',
    client_secret: 't',
    'content-type': 'application/json',
  }

  it.each<[string, RedactOptions]>([
    ['by default', {}],
    ['with builtins: false', { builtins: false }],
    ['with an empty list of built-ins', { builtins: [] }],
  ])('replaces the values of credential keys, whatever they hold, %s', (_, options) => {
    const { value, count } = createRedactor(options).redact({ request: { headers } })
    const expected = Object.fromEntries(
      Object.entries(headers).map(([key, v]) => [key, key === 'content-type' ? v : '[credential]']),
    )
    expect(value).toEqual({ request: { headers: expected } })
    expect(count).toBe(14)
  })

  it('matches the key names exactly (but for case)', () => {
    const input = { passwordHint: 'x', apiKeyName: 'y', authorizationUrl: 'z', secrets_count: 2, token: 'plain' }
    expect(createRedactor().redact(input).value).toBe(input)
  })

  it('replaces the value of a [name, value] header pair', () => {
    const input = { headers: [['authorization', 'Basic dXNlcjpwYXNz'], ['accept', 'text/plain'], ['X-Api-Key', 'k']] }
    expect(createRedactor().redact(input)).toEqual({
      value: { headers: [['authorization', '[credential]'], ['accept', 'text/plain'], ['X-Api-Key', '[credential]']] },
      count: 2,
    })
  })

  it('finds tokens in strings even with builtins: false', () => {
    const { value } = createRedactor({ builtins: false }).redact({ log: 'sent Bearer abc123def456ghi789 to jane@example.com' })
    expect(value).toEqual({ log: 'sent [bearer] to jane@example.com' })
  })
})

describe('paths', () => {
  it('replaces the value at a path, whatever it holds, counted once', () => {
    const input = { data: { user: { address: { street: '1 Main St', city: 'X' }, name: 'Jane' } } }
    expect(createRedactor({ paths: ['data.user.address'] }).redact(input)).toEqual({
      value: { data: { user: { address: '[redacted]', name: 'Jane' } } },
      count: 1,
    })
  })

  it('matches every array item with [*]', () => {
    const input = {
      data: {
        messages: [
          { role: 'user', content: 'my diagnosis is…' },
          { role: 'assistant', content: 'I see.' },
        ],
      },
    }
    const { value, count } = createRedactor({ paths: ['data.messages[*].content'] }).redact(input)
    expect(value).toEqual({
      data: {
        messages: [
          { role: 'user', content: '[redacted]' },
          { role: 'assistant', content: '[redacted]' },
        ],
      },
    })
    expect(count).toBe(2)
  })

  it('matches one item with [n] and any key with *', () => {
    const input = { data: { messages: [{ content: 'a' }, { content: 'b' }], extra: { x: 1, y: [2] } } }
    expect(createRedactor({ paths: ['data.messages[1].content', 'data.extra.*'] }).redact(input).value).toEqual({
      data: { messages: [{ content: 'a' }, { content: '[redacted]' }], extra: { x: '[redacted]', y: '[redacted]' } },
    })
  })

  it('matches at any depth with **', () => {
    const input = { data: { ssn: '1', a: { b: { ssn: 2 } }, list: [{ ssn: null }, { other: 'ssn' }] }, ssn: 'top' }
    const { value, count } = createRedactor({ paths: ['data.**.ssn'] }).redact(input)
    expect(value).toEqual({
      data: { ssn: '[redacted]', a: { b: { ssn: '[redacted]' } }, list: [{ ssn: '[redacted]' }, { other: 'ssn' }] },
      ssn: 'top',
    })
    expect(count).toBe(3)
  })

  it('changes nothing when the path is absent', () => {
    const input = { data: { user: 'jane' }, list: [1, 2] }
    const result = createRedactor({ paths: ['data.user.address', 'list[5]', 'other.**.x'] }).redact(input)
    expect(result).toEqual({ value: input, count: 0 })
    expect(result.value).toBe(input)
  })

  it('does not match object keys with [*]', () => {
    const input = { data: { user: { a: 'x' } } }
    expect(createRedactor({ paths: ['data.user[*]'] }).redact(input).value).toBe(input)
  })

  it('works with the other rules in the same walk', () => {
    const input = { data: { note: 'jane@example.com', user: { email: 'x@y.io' }, token: 'ok' }, cookie: 'a=b' }
    expect(createRedactor({ paths: ['data.user'] }).redact(input)).toEqual({
      value: { data: { note: '[email]', user: '[redacted]', token: 'ok' }, cookie: '[credential]' },
      count: 3,
    })
  })
})

describe('custom patterns', () => {
  it('replaces matches of a string pattern with [name]', () => {
    const redactor = createRedactor({ patterns: [{ name: 'employee', pattern: 'EMP-\\d{6}' }] })
    expect(redactor.redact({ note: 'EMP-123456 and EMP-654321, not EMP-12' })).toEqual({
      value: { note: '[employee] and [employee], not EMP-12' },
      count: 2,
    })
  })

  it('keeps the flags of a RegExp, and is not confused by g or lastIndex', () => {
    const redactor = createRedactor({ patterns: [{ name: 'project', pattern: /project-\w+/gi }] })
    expect(redactor.redact('PROJECT-Apollo and project-x').value).toBe('[project] and [project]')
    expect(redactor.redact('Project-Zeus').value).toBe('[project]')
  })

  it('tells which rule matched when patterns have capture groups of their own', () => {
    const redactor = createRedactor({
      patterns: [
        { name: 'pair', pattern: /(ab)(cd)/ },
        { name: 'ticket', pattern: 'T-(\\d+)' },
      ],
    })
    expect(redactor.redact('abcd T-99 jane@example.com 8.8.8.8').value).toBe('[pair] [ticket] [email] [ip]')
  })

  it('supports back-references', () => {
    const redactor = createRedactor({ patterns: [{ name: 'repeat', pattern: /(\w)\1{3}/ }] })
    expect(redactor.redact('aaaa abab zzzz').value).toBe('[repeat] abab [repeat]')
  })

  it('applies with builtins: false, next to the credentials', () => {
    const redactor = createRedactor({ builtins: false, patterns: [{ name: 'code', pattern: 'X\\d{3}' }] })
    expect(redactor.redact('X123 jane@example.com Bearer abc123def456').value).toBe('[code] jane@example.com [bearer]')
  })

  it('ignores a pattern that matches the empty string only at some places', () => {
    const redactor = createRedactor({ patterns: [{ name: 'ahead', pattern: '(?=x)' }] })
    expect(redactor.redact('xx')).toEqual({ value: 'xx', count: 0 })
  })
})

describe('invalid options', () => {
  const invalid = (options: unknown, message: RegExp) => {
    let error: unknown
    try {
      createRedactor(options as RedactOptions)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(TapedeckError)
    expect(error).toMatchObject({ code: 'invalid_redaction_rule', message: expect.stringMatching(message) })
    return error as TapedeckError
  }

  it('a pattern that is not a valid regex, with the SyntaxError as cause', () => {
    const error = invalid({ patterns: [{ name: 'broken', pattern: '([a-z]' }] }, /"broken" is not a valid regular expression/)
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })

  it('a pattern that matches the empty string', () => {
    invalid({ patterns: [{ name: 'stars', pattern: 'a*' }] }, /"stars".*matches the empty string/)
    invalid({ patterns: [{ name: 'maybe', pattern: /x?/ }] }, /"maybe".*matches the empty string/)
  })

  it('a pattern without a name, or without a pattern', () => {
    invalid({ patterns: [{ name: '', pattern: 'x' }] }, /needs a non-empty name/)
    invalid({ patterns: [{ name: 'n', pattern: 42 }] }, /"n" must be a RegExp or a string/)
  })

  it('an unknown built-in rule', () => {
    invalid({ builtins: ['email', 'emial'] }, /Unknown built-in redaction rule "emial"; expected some of email, card, phone/)
    invalid({ builtins: 'yes' }, /builtins must be true, false or a list/)
  })

  it('a malformed path', () => {
    invalid({ paths: ['data..user'] }, /Redaction path "data\.\.user" is malformed/)
    invalid({ paths: ['**'] }, /would remove the whole event/)
  })

  it('patterns or paths that are not arrays', () => {
    invalid({ paths: 'data.user' }, /redact\.paths must be an array/)
    invalid({ patterns: { name: 'x', pattern: 'y' } }, /redact\.patterns must be an array/)
  })
})

import { describe, expect, it } from 'vitest'
import { createRedactor } from './createRedactor'
import type { RedactOptions } from './types'

/** The redacted text of a string (and its count), with the options given. */
function redact(text: string, options?: RedactOptions) {
  return createRedactor(options).redact(text)
}
const text = (input: string, options?: RedactOptions) => redact(input, options).value

// Things events are full of that no rule may take.
const ORDINARY = [
  'message.created',
  'assistant',
  'gpt-4o-2024-08-06',
  'claude-3-5-sonnet-20241022',
  '01JD3Z8R6W8S1S4Q4N9GJ6X1T2', // ULID
  '550e8400-e29b-41d4-a716-446655440000', // UUID
  'msg_01JD3Z8R6W8S1S4Q4N9GJ6X1T2',
  'toolu_01A09q90qw90lq917835lq9',
  'chatcmpl-9vGkT8h1mXZ2e0Qx4Y7pLk3sW1aB',
  '2024-08-06T12:30:45.123Z',
  '1732200000000', // ms timestamp (a string)
  'Used 1234 input tokens and 567 output tokens, 1801 in total.',
  'The call cost $0.0123, about 12,345,678 tokens a month or €1 299,99.',
  'Released in 2024; v1.2.3 and 10.0.19041.1234 are versions.',
  'Meeting at 12:30:45 on 2024-08-06, room 101.',
  'std::vector<int> and a::b in C++.',
  'the bearer of bad news, Bearer authentication',
  'Order 123456789 shipped (1234567890).',
  'between 100 200 and 300',
]

describe('ordinary content', () => {
  it.each(ORDINARY)('leaves %j alone', (input) => {
    expect(redact(input)).toEqual({ value: input, count: 0 })
  })
})

describe('email', () => {
  it.each([
    ['jane.doe@example.com', '[email]'],
    ['Write to john.doe+tag@mail.example.co.uk today.', 'Write to [email] today.'],
    ['a_b-c%d@sub-domain.example.org', '[email]'],
    ['Contact: <jane@example.com>.', 'Contact: <[email]>.'],
    ['mailto:jane@example.com', 'mailto:[email]'],
    ['a@b.co and c@d.io', '[email] and [email]'],
  ])('%j → %j', (input, output) => {
    expect(text(input)).toBe(output)
  })

  it.each(['@mention', 'user@localhost', 'a @ b.com', 'foo@bar', `${'a'.repeat(65)}@example.com`])('leaves %j', (input) => {
    expect(text(input)).toBe(input)
  })
})

describe('phone', () => {
  it.each([
    '+1 (555) 123-4567',
    '+44 20 7946 0958',
    '+44 (0)20 7946 0958',
    '+33 6 12 34 56 78',
    '+4915112345678',
    '(555) 123-4567',
    '555-123-4567',
    '555.123.4567',
    '1-800-555-0199',
    '020 7946 0958',
    '06 12 34 56 78',
    '030 12345678',
    '0171/1234567',
    '06-12345678',
  ])('takes %j', (input) => {
    expect(redact(`call ${input} now`)).toEqual({ value: 'call [phone] now', count: 1 })
  })

  it.each([
    '+100', // a delta
    '+12.5%',
    '+1234567', // seven digits
    '555-1234', // seven digits, no area code
    '06-12-2024', // a date
    '2024-08-06 12:30',
    '1234567890', // digits without separators
    '+1 555 123 4567 8901 2345 6789', // more than 15 digits
  ])('leaves %j', (input) => {
    expect(text(input)).toBe(input)
  })
})

describe('card', () => {
  it.each([
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '4111111111111111',
    '5555555555554444',
    '378282246310005',
    '3782 822463 10005',
    '6011111111111117',
    '4222222222222', // 13 digits
    '6011000000000000001', // 19 digits
  ])('takes %j', (input) => {
    expect(redact(`card ${input}.`)).toEqual({ value: 'card [card].', count: 1 })
  })

  it.each([
    '4111 1111 1111 1112', // fails Luhn
    '5555555555554440', // fails Luhn
    '1732200000005', // passes Luhn, but a timestamp: no card starts with 1
    '9780201379623', // passes Luhn, an ISBN
    '4111111111111111111111', // 22 digits
  ])('leaves %j', (input) => {
    expect(text(`card ${input}.`)).toBe(`card ${input}.`)
  })
})

describe('iban', () => {
  it.each([
    'DE89 3704 0044 0532 0130 00',
    'DE89370400440532013000',
    'GB82 WEST 1234 5698 7654 32',
    'NO9386011117947',
    'MT84MALT011000012345MTLCAST001S',
    'LC55HEMM000100010012001200023015',
  ])('takes %j', (input) => {
    expect(redact(`IBAN: ${input}, thanks`)).toEqual({ value: 'IBAN: [iban], thanks', count: 1 })
  })

  it.each([
    'DE88370400440532013000', // checksum
    'DE8937040044053201300', // length for DE
    'XX89370400440532013000', // country
    'de89370400440532013000', // lower case is not taken
  ])('leaves %j', (input) => {
    expect(text(`IBAN: ${input}`)).toBe(`IBAN: ${input}`)
  })
})

describe('ip', () => {
  it.each([
    ['192.168.1.10', '[ip]'],
    ['from 8.8.8.8.', 'from [ip].'],
    ['10.0.0.1:8080', '[ip]:8080'],
    ['2001:db8::1', '[ip]'],
    ['http://10.0.0.1:8080/x', 'http://[ip]:8080/x'],
    ['::1', '[ip]'],
    ['fe80::1%eth0', '[ip]'],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '[ip]'],
    ['::ffff:192.0.2.1', '[ip]'],
    ['[2001:db8::1]:443', '[[ip]]:443'],
  ])('%j → %j', (input, output) => {
    expect(text(input)).toBe(output)
  })

  it.each(['v1.2.3.4', '1.2.3', '1.2.3.4.5', '256.1.1.1', '12:30:45', 'cafe::babe', 'a::b', 'HeadlessChrome/156.0.0.0 Safari/537.36'])('leaves %j', (input) => {
    expect(text(input)).toBe(input)
  })
})

describe('jwt', () => {
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'

  it('takes a token', () => {
    expect(redact(`token=${jwt};`)).toEqual({ value: 'token=[jwt];', count: 1 })
  })

  it('leaves a lone base64 segment', () => {
    expect(text('eyJhbGciOiJIUzI1NiJ9')).toBe('eyJhbGciOiJIUzI1NiJ9')
  })
})

describe('built-ins can be turned off', () => {
  const input = 'jane@example.com, +44 20 7946 0958, 4111111111111111, DE89370400440532013000, 8.8.8.8'

  it('all of them with false', () => {
    expect(redact(input, { builtins: false })).toEqual({ value: input, count: 0 })
  })

  it('all but the listed ones with a list', () => {
    expect(text(input, { builtins: ['email', 'ip'] })).toBe(
      '[email], +44 20 7946 0958, 4111111111111111, DE89370400440532013000, [ip]',
    )
    expect(text(input, { builtins: ['phone', 'card', 'iban'] })).toBe('jane@example.com, [phone], [card], [iban], 8.8.8.8')
  })

  it('all of them by default', () => {
    expect(redact(input)).toEqual({ value: '[email], [phone], [card], [iban], [ip]', count: 5 })
  })
})

// Provider keys are assembled at run time, so that this file holds no key-shaped literal.
const key = (...parts: string[]) => parts.join('')

describe('credentials in strings (always on)', () => {
  const off = { builtins: false } as const

  it.each([
    ['Authorization: Bearer abc123def456ghi789', 'Authorization: [bearer]'],
    ['bearer 0123456789abcdef.ghi~jk+l/m==', '[bearer]'],
    [`OPENAI_API_KEY=${key('sk-', 'proj-', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z')}`, 'OPENAI_API_KEY=[api_key]'],
    [key('sk-', 'ant-api03-', 'x7Yz'.repeat(10)), '[api_key]'],
    [key('sk-', 'A1b2C3d4'.repeat(6)), '[api_key]'],
    [key('AI', 'za', 'SyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI'), '[api_key]'],
    [key('gh', 'p_', 'a1B2c3D4e5'.repeat(4)), '[api_key]'],
    [key('github', '_pat_', '11ABCDEFG0', 'x'.repeat(60)), '[api_key]'],
    [key('xo', 'xb-', '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'), '[api_key]'],
    [key('AK', 'IA', 'IOSFODNN7EXAMPLE'), '[api_key]'],
    [key('sk', '_live_', 'a1B2c3D4e5F6g7H8i9J0k1L2'), '[api_key]'],
    ['GET /v1/data?api_key=abc123&model=x', 'GET /v1/data?api_key=[credential]&model=x'],
    ['https://x.test/cb?code=1&ACCESS_TOKEN=xyz#top', 'https://x.test/cb?code=1&ACCESS_TOKEN=[credential]#top'],
    ['{"Authorization":"Basic dXNlcjpwYXNz","model":"gpt-4o"}', '{"Authorization":"[credential]","model":"gpt-4o"}'],
    ['{"password" : "a \\" b", "x": 1}', '{"password" : "[credential]", "x": 1}'],
  ])('%j → %j', (input, output) => {
    expect(redact(input, off)).toEqual({ value: output, count: 1 })
  })

  it.each([
    'the bearer of bad news',
    'Bearer authentication', // no digit: not a token
    key('sk-', 'learn-is-a-python-library'), // no digit
    key('sk-', 'a1'), // too short
    key('AI', 'za', 'Sy'), // too short
    'a task-force',
    'TOKEN_TYPE=bearer',
    '?model=gpt-4o&stream=true',
    '{"model":"gpt-4o","passwordHint":"x"}',
    '?password=[credential]', // already redacted
  ])('leaves %j', (input) => {
    expect(redact(input, off)).toEqual({ value: input, count: 0 })
  })
})

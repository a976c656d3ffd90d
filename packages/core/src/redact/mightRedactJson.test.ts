import { describe, expect, test } from 'vitest'
import { createRedactor } from './createRedactor'

const redactor = createRedactor()

// Strings that hold something a rule takes, and strings that hold nothing.
const sensitive = [
  'mail jane.doe@example.com please',
  'call +1 415 555 0132',
  'card 4111 1111 1111 1111',
  'iban DE89 3704 0044 0532 0130 00',
  'from 192.168.1.20',
  'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'key sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6',
  'Authorization: Bearer abcdef0123456789',
]
const plain = [
  'Where is my order? It was due on Tuesday.',
  'Your order 48213 ships in 2 days for $19.99.',
  'model gpt-4o-2024-08-06, version 1.2.3, id 01JD3Z8R6W8S1S4Q4N9GJ6X1T2',
  'HeadlessChrome/156.0.0.0 Safari/537.36',
]

function documents(text: string) {
  return [
    { content: text },
    { messages: [{ role: 'user', content: text }], turn: 3 },
    { nested: { deeper: [1, 'x', { note: text }] } },
  ]
}

describe('mightRedactJson', () => {
  test('never says no where redaction would change something', () => {
    for (const text of [...sensitive, ...plain]) {
      for (const doc of documents(text)) {
        const { count } = redactor.redact(doc)
        if (count > 0) expect(redactor.mightRedactJson(JSON.stringify(doc)), JSON.stringify(doc)).toBe(true)
      }
    }
  })

  test('says yes for every sensitive document, and for credential keys and header pairs', () => {
    for (const text of sensitive) for (const doc of documents(text)) expect(redactor.mightRedactJson(JSON.stringify(doc))).toBe(true)
    expect(redactor.mightRedactJson('{"headers":{"X-Api-Key":"abc"}}')).toBe(true)
    expect(redactor.mightRedactJson('{"headers":[["authorization","abc"]]}')).toBe(true)
    expect(redactor.mightRedactJson('{"Password":"hunter2"}')).toBe(true)
  })

  test('lets plain chat through without parsing', () => {
    for (const text of plain) for (const doc of documents(text)) expect(redactor.mightRedactJson(JSON.stringify(doc))).toBe(false)
  })

  test('text with escapes, paths or custom patterns always goes to the parser', () => {
    expect(redactor.mightRedactJson(JSON.stringify({ content: 'two\nlines' }))).toBe(true)
    expect(createRedactor({ paths: ['data.x'] }).mightRedactJson('{"y":1}')).toBe(true)
    expect(createRedactor({ patterns: [{ name: 'order', pattern: /ORD-\d+/ }] }).mightRedactJson('{"y":1}')).toBe(true)
  })

  test('screening does not count replacements', () => {
    redactor.mightRedactJson(JSON.stringify({ content: sensitive[0] }))
    expect(redactor.redact({ content: 'nothing here' }).count).toBe(0)
  })
})

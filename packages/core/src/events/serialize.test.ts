import { describe, expect, test } from 'vitest'
import { codeOf } from '../../test/codeOf'
import { checkType, serializeData } from './serialize'


describe('checkType', () => {
  test('accepts catalogue types and x.* types', () => {
    expect(codeOf(() => checkType('message.created'))).toBeUndefined()
    expect(codeOf(() => checkType('x.checkout.step'))).toBeUndefined()
  })

  test('refuses unknown types, with a message that says what to use', () => {
    expect(codeOf(() => checkType('message.create'))).toBe('invalid_event_type')
    expect(codeOf(() => checkType('x.'))).toBe('invalid_event_type')
    expect(codeOf(() => checkType('x.has space'))).toBe('invalid_event_type')
    expect(codeOf(() => checkType(42))).toBe('invalid_event_type')
    expect(() => checkType('chat')).toThrow(/"x\."/)
  })

  test('refuses the types the recorder owns', () => {
    expect(codeOf(() => checkType('session.started'))).toBe('reserved_event_type')
    expect(codeOf(() => checkType('session.ended'))).toBe('reserved_event_type')
    expect(codeOf(() => checkType('recorder.dropped'))).toBe('reserved_event_type')
  })
})

describe('serializeData', () => {
  test('returns the JSON of a plain payload', () => {
    expect(serializeData('x.a', { a: 1, b: [true, null, 'x'], c: { d: 2.5 } }, 1000)).toBe(
      '{"a":1,"b":[true,null,"x"],"c":{"d":2.5}}',
    )
  })

  test('turns dates into ISO strings', () => {
    expect(serializeData('x.a', { at: new Date(0) }, 1000)).toBe('{"at":"1970-01-01T00:00:00.000Z"}')
  })

  test('refuses payloads that are not plain objects', () => {
    expect(codeOf(() => serializeData('x.a', null, 1000))).toBe('invalid_event_data')
    expect(codeOf(() => serializeData('x.a', [1], 1000))).toBe('invalid_event_data')
    expect(codeOf(() => serializeData('x.a', 'text', 1000))).toBe('invalid_event_data')
  })

  test.each([
    ['a function', { onClick: () => 1 }, /field "onClick": it is a function/],
    ['a BigInt', { n: 10n }, /field "n": it is a BigInt/],
    ['a symbol', { s: Symbol('s') }, /a symbol/],
    ['a Map', { m: new Map() }, /field "m": it is a Map/],
    ['a class instance', { e: new (class Order {})() }, /it is an Order/],
    ['a nested function', { a: [{ b: () => 1 }] }, /field "b": it is a function/],
  ])('refuses %s with not_serializable', (_name, data, message) => {
    expect(codeOf(() => serializeData('x.a', data, 1000))).toBe('not_serializable')
    expect(() => serializeData('x.a', data, 1000)).toThrow(message)
  })

  test('refuses a payload that throws while being read with invalid_event_data, the error as cause', () => {
    const bug = new Error('getter bug')
    const getter = { ok: 1, get broken(): never { throw bug } }
    const traps = new Proxy({}, { ownKeys: () => { throw bug } })
    const prototype = new Proxy({}, { getPrototypeOf: () => { throw bug } })
    const nested = { a: [{ b: getter }] }
    for (const data of [getter, traps, prototype, nested]) {
      let thrown: unknown
      try {
        serializeData('x.a', data, 1000)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toMatchObject({ name: 'TapedeckError', code: 'invalid_event_data', cause: bug })
      expect((thrown as Error).message).toMatch(/Cannot read the data of "x\.a": Error: getter bug/)
    }
  })

  test('refuses a cycle', () => {
    const data: Record<string, unknown> = { a: 1 }
    data.self = data
    expect(codeOf(() => serializeData('x.a', data, 1000))).toBe('not_serializable')
    expect(() => serializeData('x.a', data, 1000)).toThrow(/field "self": the data is circular/)
  })

  test('refuses payloads over the size cap and accepts one at the cap', () => {
    const at = { s: 'x'.repeat(100 - 8) } // {"s":"…"} is 8 characters of JSON around the text
    expect(serializeData('x.a', at, 100)).toHaveLength(100)
    expect(codeOf(() => serializeData('x.a', { s: 'x'.repeat(93) }, 100))).toBe('event_too_large')
    expect(() => serializeData('x.a', { s: 'x'.repeat(300_000) }, 256 * 1024)).toThrow(/256\.0 KiB/)
  })
})

import { describe, expect, test } from 'vitest'
import { callSpanIdOf, eventSpanIdOf, fnv1a128, fnv1a64, rootSpanIdOf, toolSpanIdOf, traceIdOf } from './ids'

describe('FNV-1a', () => {
  // Published test vectors (http://www.isthe.com/chongo/tech/comp/fnv/).
  test.each([
    ['', 0xcbf29ce484222325n, 0x6c62272e07bb014262b821756295c58dn],
    ['a', 0xaf63dc4c8601ec8cn, 0xd228cb696f1a8caf78912b704e4a8964n],
    ['foobar', 0x85944171f73967e8n, 0x343e1662793c64bf6f0d3597ba446f18n],
  ])('%j', (input, expected64, expected128) => {
    expect(fnv1a64(input)).toBe(expected64)
    expect(fnv1a128(input)).toBe(expected128)
  })

  test('hashes UTF-8 bytes, not UTF-16 code units', () => {
    // "é" is 0xC3 0xA9 in UTF-8 (computed independently in Python).
    expect(fnv1a64('é')).toBe(0x0ac21707b7181e01n)
  })
})

describe('ids', () => {
  const S = 's_01JD3Z8Q'

  test('a session always gives the same 32-hex trace id and 16-hex root span id', () => {
    expect(traceIdOf(S)).toBe('530e93efe81384aa79eedaba50cf8ff8')
    expect(rootSpanIdOf(S)).toBe('2a603413e449db38')
    expect(traceIdOf(S)).toBe(traceIdOf(`${S}`))
    expect(traceIdOf('s_other')).not.toBe(traceIdOf(S))
  })

  test('child span ids depend on session, kind and key, and are zero-padded lowercase hex', () => {
    expect(callSpanIdOf(S, 'c1')).toBe('d255bf0ac23e30f0')
    expect(toolSpanIdOf(S, 't1')).toBe('d84cb3eb23b43215')
    expect(eventSpanIdOf(S, 9)).toBe('89c2412d7c9e820b')
    // Same key, different kind or session: different spans.
    expect(toolSpanIdOf(S, 'c1')).not.toBe(callSpanIdOf(S, 'c1'))
    expect(callSpanIdOf('s_other', 'c1')).not.toBe(callSpanIdOf(S, 'c1'))
    for (const id of [rootSpanIdOf('x'), callSpanIdOf('x', ''), toolSpanIdOf('', '')]) expect(id).toMatch(/^[0-9a-f]{16}$/)
    expect(traceIdOf('')).toMatch(/^[0-9a-f]{32}$/)
  })
})

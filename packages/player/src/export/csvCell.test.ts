import { describe, expect, test } from 'vitest'
import { csvCell } from './csvCell'

describe('csvCell', () => {
  test('empty for null and undefined; numbers and booleans as they print; objects as JSON', () => {
    expect(csvCell(undefined)).toBe('')
    expect(csvCell(null)).toBe('')
    expect(csvCell(0.0015)).toBe('0.0015')
    expect(csvCell(-3)).toBe('-3') // a number is not formula text
    expect(csvCell(false)).toBe('false')
    expect(csvCell([1])).toBe('[1]')
    expect(csvCell('plain')).toBe('plain')
  })

  test('quotes a cell with a quote, comma or line break, doubling its quotes (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"')
    expect(csvCell({ b: 'x,y' })).toBe('"{""b"":""x,y""}"')
  })

  test('text that starts like a formula gets a leading quote, then is quoted if it must be', () => {
    for (const start of ['=', '+', '-', '@', '\t']) expect(csvCell(`${start}SUM(A1)`)).toBe(`'${start}SUM(A1)`)
    expect(csvCell('\rx')).toBe(`"'\rx"`)
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
    expect(csvCell('a=b')).toBe('a=b') // only a leading sign counts
  })
})

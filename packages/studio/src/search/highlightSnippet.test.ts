import { describe, expect, it } from 'vitest'
import { highlightSnippet, partsFromRanges } from './highlightSnippet'

const marked = (snippet: string, query: string) =>
  highlightSnippet(snippet, query)
    .map((part) => (part.match ? `[${part.text}]` : part.text))
    .join('')

describe('highlightSnippet', () => {
  it('marks every word of the query, whatever the case or accents', () => {
    expect(marked('Where is my order A1042? Order placed', 'order a1042')).toBe('Where is my [order] [A1042]? [Order] placed')
    expect(marked('Le café est prêt', 'cafe pret')).toBe('Le [café] est [prêt]')
  })

  it("drops the server's own markup instead of rendering it", () => {
    expect(marked('a <mark>refund</mark> for <b>you</b> [[now]]', 'refund')).toBe('a [refund] for you now')
    expect(highlightSnippet('<img src=x onerror=alert(1)>', 'img').map((p) => p.text).join('')).toBe('<img src=x onerror=alert(1)>')
  })

  it('leaves text whole when the query has no word', () => {
    expect(highlightSnippet('hello', '  ')).toEqual([{ text: 'hello', match: false }])
  })
})

describe('partsFromRanges', () => {
  it("cuts at the server's ranges, overlapping or out of bounds ones included", () => {
    const text = (parts: ReturnType<typeof partsFromRanges>) => parts.map((p) => (p.match ? `[${p.text}]` : p.text)).join('')
    expect(text(partsFromRanges('where is my order', [{ start: 12, end: 17 }, { start: 0, end: 5 }]))).toBe('[where] is my [order]')
    expect(text(partsFromRanges('abc', [{ start: 1, end: 99 }, { start: 2, end: 3 }]))).toBe('a[bc]')
  })
})

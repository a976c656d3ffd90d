/** A piece of a snippet: text, and whether it matched the search. */
export interface SnippetPart {
  text: string
  match: boolean
}

const MARKERS = /<\/?(?:mark|b|em)>|\[\[|\]\]/gi

/** A snippet cut at the server's match ranges (UTF-16 offsets, end exclusive; docs/server.md `SearchMatch`). */
export function partsFromRanges(snippet: string, highlights: ReadonlyArray<{ start: number; end: number }>): SnippetPart[] {
  const parts: SnippetPart[] = []
  let at = 0
  for (const { start, end } of [...highlights].sort((a, b) => a.start - b.start)) {
    const from = Math.max(at, Math.min(start, snippet.length))
    const to = Math.max(from, Math.min(end, snippet.length))
    if (from > at) parts.push({ text: snippet.slice(at, from), match: false })
    if (to > from) parts.push({ text: snippet.slice(from, to), match: true })
    at = to
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), match: false })
  return parts
}

/**
 * A search snippet cut into parts, the words of the query marked: case- and accent-insensitive,
 * whole or partial words. Markup the server may have put around its matches is removed first and
 * never rendered as HTML, so a recorded string can never inject markup into the page.
 */
export function highlightSnippet(snippet: string, query: string): SnippetPart[] {
  const text = snippet.replace(MARKERS, '')
  const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}_-]+/gu) ?? [])].filter((word) => word.length > 1 || /\d/.test(word))
  if (words.length === 0) return [{ text, match: false }]
  const folded = fold(text)
  const marks = new Uint8Array(text.length)
  for (const word of words.map(fold)) {
    for (let at = folded.indexOf(word); at >= 0; at = folded.indexOf(word, at + word.length)) marks.fill(1, at, at + word.length)
  }
  const parts: SnippetPart[] = []
  let start = 0
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || marks[i] !== marks[start]) {
      parts.push({ text: text.slice(start, i), match: marks[start] === 1 })
      start = i
    }
  }
  return parts
}

/** Lower case without accents, one UTF-16 unit per unit of the input (so positions line up). */
function fold(text: string): string {
  let out = ''
  for (const char of text.toLowerCase()) {
    const base = char.normalize('NFD').replace(/\p{M}/gu, '')
    out += base.length === char.length ? base : char
  }
  return out
}

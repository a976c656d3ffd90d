import type { SearchMatch } from '@tapedeck/core'

const WORD = /[\p{L}\p{N}]+/gu
const SNIPPET_CHARS = 200
const BEFORE_CHARS = 60

/**
 * A plain-text excerpt of about SNIPPET_CHARS around the first searched word in `text`, with
 * every whole-word occurrence of a searched word in it marked. Every store makes its snippets
 * here, so they read the same whatever the store.
 */
export function snippetOf(text: string, words: readonly string[]): Pick<SearchMatch, 'snippet' | 'highlights'> {
  const wanted = new Set(words)
  const hits: Array<{ start: number; end: number }> = []
  for (const match of text.matchAll(WORD)) {
    if (wanted.has(match[0].toLowerCase())) hits.push({ start: match.index, end: match.index + match[0].length })
  }
  const first = hits[0]?.start ?? 0
  let start = Math.max(0, first - BEFORE_CHARS)
  let end = Math.min(text.length, start + SNIPPET_CHARS)
  // Whole words at both ends, and never half of a surrogate pair.
  if (start > 0) start = wordStart(text, start, first)
  if (end < text.length) end = wordEnd(text, end, hits.find((hit) => hit.start >= first)?.end ?? 0)
  const prefix = start > 0 ? '…' : ''
  // Whitespace runs (newlines) become one space; the marks are found again in what is answered.
  const snippet = `${prefix}${text.slice(start, end).replace(/\s+/g, ' ')}${end < text.length ? '…' : ''}`
  const highlights: Array<{ start: number; end: number }> = []
  for (const match of snippet.matchAll(WORD)) {
    if (wanted.has(match[0].toLowerCase())) highlights.push({ start: match.index, end: match.index + match[0].length })
  }
  return { snippet, highlights }
}

function wordStart(text: string, at: number, limit: number): number {
  const space = text.indexOf(' ', at)
  return space !== -1 && space < limit ? space + 1 : at + (isLowSurrogate(text.charCodeAt(at)) ? 1 : 0)
}

function wordEnd(text: string, at: number, atLeast: number): number {
  const space = text.lastIndexOf(' ', at)
  if (space > atLeast) return space
  return Math.max(at, atLeast) - (isLowSurrogate(text.charCodeAt(Math.max(at, atLeast))) ? 1 : 0)
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

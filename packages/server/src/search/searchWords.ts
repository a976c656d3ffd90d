import { ServerError } from '../ServerError.js'

const WORD = /[\p{L}\p{N}]+/gu
const MAX_QUERY_CHARS = 200
const MAX_WORDS = 16

/** The words of `q=`, lower-cased, distinct: letters and digits, everything else separates. 400 when there is none. */
export function searchWords(q: string): string[] {
  if (q.length > MAX_QUERY_CHARS) throw new ServerError('invalid_query', `q must be at most ${MAX_QUERY_CHARS} characters.`)
  const words = [...new Set((q.toLowerCase().match(WORD) ?? []))]
  if (words.length === 0) throw new ServerError('invalid_query', 'q must hold at least one word (letters or digits).')
  if (words.length > MAX_WORDS) throw new ServerError('invalid_query', `q may hold at most ${MAX_WORDS} words.`)
  return words
}

/** Whether `text` holds every word, as whole words, case-insensitive. */
export function holdsWords(text: string, words: readonly string[]): boolean {
  const found = new Set(text.toLowerCase().match(WORD) ?? [])
  return words.every((word) => found.has(word))
}

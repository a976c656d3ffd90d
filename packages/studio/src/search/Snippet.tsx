import { highlightSnippet, partsFromRanges } from './highlightSnippet'

/**
 * A search snippet with the matched words in <mark>, as text (never HTML): at the server's
 * ranges when it gave them, else at the query's words.
 */
export function Snippet({ text, query, highlights }: { text: string; query: string; highlights?: ReadonlyArray<{ start: number; end: number }> }) {
  const parts = highlights && highlights.length > 0 ? partsFromRanges(text, highlights) : highlightSnippet(text, query)
  return (
    <span className="snippet">
      {parts.map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </span>
  )
}

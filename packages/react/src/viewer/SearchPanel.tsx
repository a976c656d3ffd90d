import { memo, useEffect, useState } from 'react'
import { formatTime } from './formatTime'
import type { SearchHit, SearchIndex, SearchResult } from './SearchIndex'

export interface SearchPanelProps {
  index: SearchIndex
  onPick(hit: SearchHit): void
}

/**
 * Search across prompts, responses, messages, tools and transcripts; a hit moves the playhead
 * there. Memoized: playback re-renders the viewer every frame, not the list of hits.
 */
export const SearchPanel = memo(function SearchPanel({ index, onPick }: SearchPanelProps) {
  const [query, setQuery] = useState('')
  const [result, setResult] = useState<SearchResult | null>(null)
  const [searching, setSearching] = useState(false)

  useEffect(() => {
    if (!query.trim()) {
      setResult(null)
      return
    }
    const controller = new AbortController()
    // A short pause after typing: one search per word, not per key.
    const timer = setTimeout(() => {
      setSearching(true)
      index.search(query, { signal: controller.signal }).then(
        (found) => {
          setResult(found)
          setSearching(false)
        },
        () => undefined, // cancelled by the next keystroke
      )
    }, 150)
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [index, query])

  return (
    <section className="tapedeck-search" aria-label="Search">
      <input type="search" aria-label="Search prompts and responses" placeholder="Search prompts and responses" value={query} onChange={(e) => setQuery(e.target.value)} />
      <p className="tapedeck-muted" role="status">
        {searching ? 'searching…' : result ? `${result.total} match${result.total === 1 ? '' : 'es'}${result.total > result.hits.length ? ` (first ${result.hits.length})` : ''}` : ''}
      </p>
      {result && result.hits.length > 0 && (
        <ol className="tapedeck-search__hits" aria-label="Search results">
          {result.hits.map((hit) => (
            <li key={hit.index}>
              <button type="button" onClick={() => onPick(hit)}>
                <time>{formatTime(hit.t)}</time> <span className="tapedeck-search__field">{hit.field}</span> {hit.snippet}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
})

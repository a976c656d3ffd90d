import { useQuery } from '@tanstack/react-query'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { SessionListItem, SessionSearch } from '../api/types'
import { useStudioClient } from '../api/useStudioClient'
import { canReview, useCredentials } from '../auth/credentials'
import { formatCost, formatDate } from '../format'
import { Icon } from '../icons/Icon'
import { useReview } from '../review/useReview'
import { href, navigate } from '../routing/useRoute'
import { readSavedSearches } from '../search/savedSearches'
import { SessionPage } from './SessionPage'
import { searchFromParams } from './SessionsPage'

const QUEUE_SIZE = 50

/** The queue's sessions: not reviewed yet (default), flagged, or a saved search. */
function queueSearch(mode: string): SessionSearch {
  if (mode === 'flagged') return { flagged: 'true', limit: QUEUE_SIZE }
  if (mode.startsWith('saved:')) {
    const saved = readSavedSearches().find((s) => s.name === mode.slice('saved:'.length))
    return { ...(saved ? searchFromParams(new URLSearchParams(saved.params)) : {}), limit: QUEUE_SIZE }
  }
  return { reviewed: 'false', order: 'asc', limit: QUEUE_SIZE }
}

/**
 * The review queue, keyboard driven: j / k next and previous, 1–5 score, f flag, c comment.
 * The list is taken once when the queue opens (reviewing does not reshuffle it); progress counts
 * the sessions reviewed here. The session shown is in the URL (`?session=`).
 */
export function ReviewPage({ params }: { params: URLSearchParams }) {
  const client = useStudioClient()
  const auth = useCredentials()
  const mode = params.get('mode') ?? 'unreviewed'
  const search = useMemo(() => queueSearch(mode), [mode])
  const page = useQuery({
    queryKey: ['queue', mode],
    queryFn: ({ signal }) => client.listSessions(search, signal),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  })
  // Taken once per queue: later refetches (after a review) would drop the reviewed sessions.
  const [queue, setQueue] = useState<{ mode: string; sessions: SessionListItem[] } | null>(null)
  useEffect(() => {
    if (page.data && queue?.mode !== mode) setQueue({ mode, sessions: page.data.sessions })
  }, [page.data, mode, queue?.mode])
  const sessions = queue?.mode === mode ? queue.sessions : []
  const [done, setDone] = useState<ReadonlySet<string>>(new Set())
  const currentId = params.get('session') ?? sessions[0]?.id ?? null
  const index = sessions.findIndex((s) => s.id === currentId)

  const go = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params)
    for (const [name, value] of Object.entries(changes)) value ? next.set(name, value) : next.delete(name)
    navigate(href(['review'], next), true)
  }
  const move = (step: number) => {
    const target = sessions[Math.min(sessions.length - 1, Math.max(0, index + step))]
    if (target) go({ session: target.id })
  }

  return (
    <div className="page review">
      <div className="page-head">
        <h1>Review queue</h1>
        <label className="field">
          <span>Queue</span>
          <select value={mode} onChange={(event) => go({ mode: event.target.value, session: undefined })}>
            <option value="unreviewed">Not reviewed yet</option>
            <option value="flagged">Flagged</option>
            {readSavedSearches().map((saved) => (
              <option key={saved.name} value={`saved:${saved.name}`}>{`Saved search: ${saved.name}`}</option>
            ))}
          </select>
        </label>
        <div className="progress" role="status" aria-live="polite">
          <progress max={Math.max(1, sessions.length)} value={done.size} aria-label="Reviewed in this queue" />
          <span>{`${done.size} of ${sessions.length} reviewed`}</span>
        </div>
      </div>
      {!canReview(auth) && <p className="error">This key only reads: sign in with a review key to score, flag and comment.</p>}
      {page.error && (
        <p className="error" role="alert">
          {page.error.message}
        </p>
      )}
      <p className="keys muted small" aria-label="Keyboard shortcuts">
        <kbd>j</kbd> / <kbd>k</kbd> next / previous · <kbd>1</kbd>–<kbd>5</kbd> score · <kbd>f</kbd> flag · <kbd>c</kbd> comment · <kbd>space</kbd> play
      </p>
      {page.isPending && <p className="muted">Loading the queue…</p>}
      {!page.isPending && sessions.length === 0 && <p className="empty">Nothing to review here.</p>}
      {sessions.length > 0 && (
        <div className="review-layout">
          <ol className="queue" aria-label="Sessions to review">
            {sessions.map((session, i) => (
              <li key={session.id}>
                <a href={href(['review'], { mode, session: session.id })} aria-current={session.id === currentId ? 'true' : undefined} className={done.has(session.id) ? 'done' : undefined}>
                  <span className="queue__n">{done.has(session.id) ? <Icon name="check" size={14} /> : i + 1}</span>
                  <span>
                    {formatDate(session.startedAt)}
                    <span className="muted small">{` ${String((session.metadata as { userId?: unknown }).userId ?? '')} · ${formatCost(session.stats.costUsd)}`}</span>
                  </span>
                </a>
              </li>
            ))}
          </ol>
          {currentId && <QueueItem key={currentId} sessionId={currentId} onReviewed={() => setDone((set) => (set.has(currentId) ? set : new Set(set).add(currentId)))} onMove={move} />}
        </div>
      )}
    </div>
  )
}

/** The session under review and the queue's keys. */
function QueueItem({ sessionId, onReviewed, onMove }: { sessionId: string; onReviewed(): void; onMove(step: number): void }) {
  const review = useReview(sessionId)
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement
      if (target.closest('input, textarea, select, [contenteditable]') || event.metaKey || event.ctrlKey || event.altKey) return
      const key = event.key
      if (key === 'j' || key === 'k') onMove(key === 'j' ? 1 : -1)
      else if (/^[1-5]$/.test(key)) {
        review.setScore(Number(key))
        onReviewed()
      } else if (key === 'f') {
        review.toggleFlag()
        onReviewed()
      } else if (key === 'c') document.getElementById('comment-input')?.focus()
      else return
      event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [review, onMove, onReviewed])
  // Reviewed with the buttons too: an annotation more than when it opened.
  const initial = useRef<number | null>(null)
  if (!review.loading && initial.current === null) initial.current = review.annotations.length
  useEffect(() => {
    if (initial.current !== null && review.annotations.length > initial.current) onReviewed()
  }, [review.annotations.length, onReviewed])
  return (
    <div className="queue-item">
      <SessionPage sessionId={sessionId} params={new URLSearchParams()} />
    </div>
  )
}

import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { loadRecording, type Recording } from '@tapedeck/player'
import type { ReviewAnnotation } from '../api/types'
import { prefetchedFetch } from '../api/prefetched'
import { REPLAY_FIRST_PAGE } from '../api/prefetchSession'
import { useStudioClient } from '../api/useStudioClient'
import { canReview, useCredentials } from '../auth/credentials'
import { ReplayScreen } from '../replay/ReplayScreen'

/** The Session page: loads the recording (events, audio on demand) and its review, then the replay. */
export function SessionPage({ sessionId, params, shared = false }: { sessionId: string; params: URLSearchParams; shared?: boolean }) {
  const client = useStudioClient()
  const auth = useCredentials()
  // A long session shows its first page of events while the rest arrive (loadRecording's onFirstPage).
  const [firstPage, setFirstPage] = useState<{ sessionId: string; recording: Recording } | null>(null)
  const recording = useQuery({
    queryKey: ['recording', sessionId],
    queryFn: () =>
      loadRecording(
        { endpoint: client.base, sessionId, fetch: prefetchedFetch, ...(client.token && { token: client.token }) },
        { firstPageEvents: REPLAY_FIRST_PAGE, onFirstPage: (first) => setFirstPage({ sessionId, recording: first }) },
      ),
    staleTime: Infinity,
  })
  const shown = recording.data ?? (firstPage?.sessionId === sessionId ? firstPage.recording : undefined)
  // The detail names the streams linked to it (a backend's, recorded by @tapedeck/node); a share link reads none.
  const detail = useQuery({
    queryKey: ['session', sessionId],
    queryFn: ({ signal }) => client.getSession(sessionId, signal),
    enabled: !shared,
  })
  // Where the replay opens may depend on an annotation (`?annotation=`): wait for the list first.
  const annotations = useQuery({
    queryKey: ['annotations', sessionId],
    queryFn: ({ signal }) => client.annotations(sessionId, signal),
  })
  if (recording.error) {
    return (
      <div className="page">
        <h1>Session</h1>
        <p className="error" role="alert">{`This session cannot be opened: ${recording.error.message}`}</p>
      </div>
    )
  }
  // Only the first load waits: a later refetch (a review saved, a retry) keeps the replay on screen.
  const [settled, setSettled] = useState(false)
  if (!settled && !annotations.isPending) setSettled(true)
  if (!shown || (annotations.isPending && !settled)) {
    return (
      <div className="page" aria-busy="true">
        <h1 className="visually-hidden">Session</h1>
        <p className="muted">Loading the session…</p>
      </div>
    )
  }
  const list: ReviewAnnotation[] = annotations.data ?? []
  return (
    <ReplayScreen
      key={sessionId}
      recording={shown}
      complete={recording.data !== undefined}
      streams={detail.data?.streams ?? []}
      params={params}
      initialAnnotations={list}
      reviewAvailable={annotations.data !== null && !annotations.error && canReview(auth)}
      shared={shared}
    />
  )
}

import { useEffect, useState } from 'react'
import { loadRecording, type Annotation, type Recording } from '@tapedeck/player'
import { ReplayViewer, useRecorder } from '@tapedeck/react'
import '@tapedeck/react/viewer.css'
import { href } from '../useHashRoute'

const annotationsKey = (id: string) => `playground.annotations.${id}`

function savedAnnotations(id: string): Annotation[] {
  try {
    return JSON.parse(localStorage.getItem(annotationsKey(id)) ?? '[]') as Annotation[]
  } catch {
    return []
  }
}

/**
 * One session in the replay viewer: from this browser (`{ recorder, sessionId }`) or from the
 * reference server (`{ endpoint, sessionId }`). Review annotations are kept in localStorage here;
 * a real app would send them to its own backend.
 */
export function ReplayPage({ source, id, endpoint }: { source: 'local' | 'server'; id: string; endpoint: string | undefined }) {
  const recorder = useRecorder()
  const [recording, setRecording] = useState<Recording | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const controller = new AbortController()
    setRecording(null)
    setError(null)
    const options = { annotations: savedAnnotations(id), signal: controller.signal }
    const loading =
      source === 'local'
        ? recorder.flush().then(() => loadRecording({ recorder, sessionId: id }, options))
        : endpoint
          ? loadRecording({ endpoint, sessionId: id }, options)
          : Promise.reject(new Error('No server: start the playground with `npm start`.'))
    loading.then(
      (loaded) => !controller.signal.aborted && setRecording(loaded),
      (cause: unknown) => !controller.signal.aborted && setError(cause instanceof Error ? cause.message : String(cause)),
    )
    return () => controller.abort()
  }, [recorder, source, id, endpoint])

  return (
    <section className="replay">
      <p>
        <a href={href.sessions}>← Sessions</a> <span className="muted">{`${source === 'local' ? 'this browser' : 'server'} · ${id}`}</span>
      </p>
      {error && <p className="error">{error}</p>}
      {!recording && !error && <p className="muted">Loading…</p>}
      {recording && (
        <ReplayViewer
          recording={recording}
          author="playground reviewer"
          onAnnotate={() => localStorage.setItem(annotationsKey(id), JSON.stringify(recording.annotations))}
        />
      )}
    </section>
  )
}

import { useState } from 'react'
import { useStudioClient } from '../api/useStudioClient'
import { saveBlob } from '../export/saveBlob'
import { Icon } from '../icons/Icon'

/** Downloads the session's zip export (events, metadata, audio, review annotations) with the tab's key or share token. */
export function DownloadButton({ sessionId }: { sessionId: string }) {
  const client = useStudioClient()
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const download = async () => {
    setBusy(true)
    setProblem(null)
    try {
      saveBlob(await client.download(sessionId, 'zip'), `${sessionId}.zip`)
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <button type="button" onClick={() => void download()} disabled={busy}>
        <Icon name="download" /> {busy ? 'Preparing…' : 'Download zip'}
      </button>
      {problem && (
        <span className="error small" role="alert">
          {problem}
        </span>
      )}
    </>
  )
}

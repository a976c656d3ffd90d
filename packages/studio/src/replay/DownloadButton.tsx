import { useState } from 'react'
import { useStudioClient } from '../api/useStudioClient'
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
      const url = URL.createObjectURL(await client.download(sessionId, 'zip'))
      const link = Object.assign(document.createElement('a'), { href: url, download: `${sessionId}.zip` })
      link.click()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
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

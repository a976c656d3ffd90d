import { useState } from 'react'
import type { SessionFilters } from '../api/types'
import { useStudioClient } from '../api/useStudioClient'
import { Icon } from '../icons/Icon'
import { saveBlob } from './saveBlob'

/**
 * Export every session the finder's filters match (not only the page shown) as one file:
 * JSON lines (one event a line) or a zip (each session's events, metadata, audio and review
 * annotations), from GET /v1/export, which streams it.
 */
export function ExportSessions({ filters, total }: { filters: SessionFilters; total: number | undefined }) {
  const client = useStudioClient()
  const [format, setFormat] = useState<'jsonl' | 'zip'>('jsonl')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const run = async () => {
    setBusy(true)
    setProblem(null)
    try {
      saveBlob(await client.exportSessions(filters, format), `tapedeck-export.${format}`)
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="export-row">
      <label className="field inline">
        <span>Export as</span>
        <select value={format} onChange={(event) => setFormat(event.target.value as 'jsonl' | 'zip')}>
          <option value="jsonl">JSON lines</option>
          <option value="zip">Zip (with audio and reviews)</option>
        </select>
      </label>
      <button type="button" onClick={() => void run()} disabled={busy || total === 0}>
        <Icon name="download" /> {busy ? 'Exporting…' : `Export ${total === undefined ? 'matching' : total === 1 ? 'the matching' : `all ${total}`} session${total === 1 ? '' : 's'}`}
      </button>
      {problem && (
        <span className="error small" role="alert">
          {problem}
        </span>
      )}
    </div>
  )
}

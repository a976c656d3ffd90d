import { useMutation, type UseMutationResult } from '@tanstack/react-query'
import type { RecordingSource } from './RecordingSource'
import { useSource, type RecordingExportFormat } from './useSource'

export interface ExportRequest<S extends RecordingSource> {
  id: string
  /** Locally `jsonl` (default) or `jsonl.gz`; on a server `jsonl` (default), `zip`, `html` or `csv`. */
  format?: RecordingExportFormat<S>
}

/**
 * Exports a session as a Blob (`recorder.sessions.export`, or `GET /v1/sessions/{id}/export`).
 * Changes nothing, so invalidates nothing.
 */
export function useExportSession<S extends RecordingSource = 'local'>(
  options: { source?: S } = {},
): UseMutationResult<Blob, Error, ExportRequest<S>> {
  const reader = useSource(options.source)
  return useMutation({ mutationFn: ({ id, format }: ExportRequest<S>) => reader.export(id, format) })
}

import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import type { RecordingSource } from './RecordingSource'
import { tapedeckKeys } from './tapedeckKeys'
import type { TapedeckQueryOptions } from './useRecordings'
import { useSource, type RecordingDetail } from './useSource'

export interface RecordingOptions<S extends RecordingSource> extends TapedeckQueryOptions<RecordingDetail<S> | null> {
  source?: S
}

/**
 * One session: its `SessionRecord` locally (`recorder.sessions.get`), its description on a server
 * (`GET /v1/sessions/{id}`: completeness, stats). `null` when the source has no such session; no
 * request while `id` is empty.
 */
export function useRecording<S extends RecordingSource = 'local'>(
  id: string | null | undefined,
  options: RecordingOptions<S> = {},
): UseQueryResult<RecordingDetail<S> | null, Error> {
  const { source, enabled, ...query } = options
  const reader = useSource(source)
  return useQuery({
    ...query,
    enabled: id ? (enabled ?? true) : false,
    queryKey: tapedeckKeys.detail(reader.scope, id ?? ''),
    queryFn: ({ signal }) => reader.get(id!, signal) as Promise<RecordingDetail<S> | null>,
  })
}

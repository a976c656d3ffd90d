import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import type { TapedeckEvent } from '@tapedeck/core'
import type { RecordingSource } from './RecordingSource'
import { tapedeckKeys } from './tapedeckKeys'
import type { TapedeckQueryOptions } from './useRecordings'
import { useSource } from './useSource'

export interface RecordingEventsOptions<S extends RecordingSource> extends TapedeckQueryOptions<TapedeckEvent[]> {
  source?: S
  /** Only events from this seq on. */
  fromSeq?: number
}

/**
 * A session's events in seq order: `recorder.sessions.events` locally,
 * `GET /v1/sessions/{id}/events` (NDJSON) on a server. Empty when the source has no such session.
 */
export function useRecordingEvents<S extends RecordingSource = 'local'>(
  id: string | null | undefined,
  options: RecordingEventsOptions<S> = {},
): UseQueryResult<TapedeckEvent[], Error> {
  const { source, fromSeq, enabled, ...query } = options
  const reader = useSource(source)
  return useQuery({
    ...query,
    enabled: id ? (enabled ?? true) : false,
    queryKey: tapedeckKeys.events(reader.scope, id ?? '', fromSeq === undefined ? {} : { fromSeq }),
    queryFn: ({ signal }) => reader.events(id!, fromSeq, signal),
  })
}

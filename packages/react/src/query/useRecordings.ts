import { useQuery, type QueryKey, type UseQueryOptions, type UseQueryResult } from '@tanstack/react-query'
import type { SessionQuery } from '@tapedeck/core'
import type { RecordingSource } from './RecordingSource'
import { tapedeckKeys } from './tapedeckKeys'
import { useSource, type RecordingsPage } from './useSource'

/** react-query options the Tapedeck query hooks pass through (`enabled`, `staleTime`, `refetchInterval`, …). */
export type TapedeckQueryOptions<T> = Omit<UseQueryOptions<T, Error, T, QueryKey>, 'queryKey' | 'queryFn'>

export interface RecordingsOptions<S extends RecordingSource> extends TapedeckQueryOptions<RecordingsPage<S>> {
  /** `local` (default): this browser's recordings; `{ server, headers }`: a Tapedeck server's. */
  source?: S
}

/**
 * A page of sessions, newest first: `recorder.sessions.list(filter)` locally, `GET /v1/sessions`
 * on a server. `filter`: `userId`, `feature`, `status`, `from`, `to`, `limit`, `cursor`.
 */
export function useRecordings<S extends RecordingSource = 'local'>(
  filter: SessionQuery = {},
  options: RecordingsOptions<S> = {},
): UseQueryResult<RecordingsPage<S>, Error> {
  const { source, ...query } = options
  const reader = useSource(source)
  return useQuery({
    ...query,
    queryKey: tapedeckKeys.list(reader.scope, filter),
    queryFn: ({ signal }) => reader.list(filter, signal) as Promise<RecordingsPage<S>>,
  })
}

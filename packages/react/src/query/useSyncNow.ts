import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query'
import type { SyncStatus } from '@tapedeck/core'
import { useRecorder } from '../useRecorder'
import { isServerKey, tapedeckKeys } from './tapedeckKeys'

/**
 * `recorder.syncNow()` as a mutation: uploads everything recorded so far, past any backoff. When it
 * settles it invalidates this recorder's local queries (sync progress) and every server query
 * (the server has new data). Resolves to the sync status, `null` when sync is off.
 */
export function useSyncNow(): UseMutationResult<SyncStatus | null, Error, void> {
  const recorder = useRecorder()
  const client = useQueryClient()
  return useMutation({
    mutationFn: () => recorder.syncNow(),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: tapedeckKeys.local(recorder) }),
        client.invalidateQueries({ predicate: (query) => isServerKey(query.queryKey) }),
      ]),
  })
}

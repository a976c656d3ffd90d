import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query'
import type { RecordingSource } from './RecordingSource'
import { tapedeckKeys } from './tapedeckKeys'
import { useSource } from './useSource'

/**
 * Deletes a session from the source (`recorder.sessions.delete`, or `DELETE /v1/sessions/{id}`)
 * and invalidates that source's lists and the session's own queries. Resolves to `false` when the
 * source had no such session.
 */
export function useDeleteSession<S extends RecordingSource = 'local'>(
  options: { source?: S } = {},
): UseMutationResult<boolean, Error, string> {
  const reader = useSource(options.source)
  const client = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => reader.delete(id),
    onSettled: (_deleted, _error, id) =>
      Promise.all([
        client.invalidateQueries({ queryKey: tapedeckKeys.lists(reader.scope) }),
        client.invalidateQueries({ queryKey: tapedeckKeys.detail(reader.scope, id) }),
      ]),
  })
}

import { createReadClient } from '@tapedeck/core/read'
import type { Recording } from '../recording/Recording'
import { loadRecording, type LoadOptions, type ServerSource } from './loadRecording'
import { serverError } from './serverError'

export interface ServerQuery extends Omit<ServerSource, 'sessionId'> {
  /** The list's filters (`userId`, `feature`, `status`, `from`, `to`): `GET {endpoint}/v1/sessions?…`. */
  query?: Record<string, string | number> | string
  /** Most sessions to load. Default 100. */
  limit?: number
  /** Sessions listed per request (1–500). Default 100. */
  pageSize?: number
}

/**
 * The sessions a server lists for a query (newest first), each loaded with `loadRecording`: for a
 * batch evaluation, or `test.each` over production conversations. Follows `nextCursor` until
 * `limit`. Errors as `loadRecording`'s (`load_failed` when the list cannot be read).
 */
export async function loadRecordingsFromServer(source: ServerQuery, options: LoadOptions = {}): Promise<Recording[]> {
  const limit = source.limit ?? 100
  const client = createReadClient(source)
  const query = typeof source.query === 'string' ? Object.fromEntries(new URLSearchParams(source.query)) : (source.query ?? {})
  const ids: string[] = []
  let cursor: string | null | undefined
  do {
    const asked = { ...query, limit: Math.min(source.pageSize ?? 100, 500, limit - ids.length), cursor }
    const page = await client.listSessions(asked, options.signal).catch((error: unknown) => {
      throw serverError(error)
    })
    for (const session of page.sessions ?? []) {
      const id = session.id ?? (session as { sessionId?: string }).sessionId
      if (typeof id === 'string' && ids.length < limit) ids.push(id)
    }
    cursor = page.nextCursor
  } while (cursor && ids.length < limit)
  const recordings: Recording[] = []
  for (const sessionId of ids) recordings.push(await loadRecording({ ...source, sessionId }, options))
  return recordings
}

import { playerError } from '../playerError'
import type { Recording } from '../recording/Recording'
import { loadRecording, type LoadOptions, type ServerSource } from './loadRecording'
import { serverHeaders } from './serverHeaders'

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
  const fetchImpl = source.fetch ?? globalThis.fetch.bind(globalThis)
  const base = `${source.endpoint.replace(/\/+$/, '')}/v1/sessions`
  const params = new URLSearchParams(typeof source.query === 'string' ? source.query : Object.entries(source.query ?? {}).map(([key, value]) => [key, String(value)]))
  const ids: string[] = []
  let cursor: string | null | undefined
  do {
    params.set('limit', String(Math.min(source.pageSize ?? 100, 500, limit - ids.length)))
    if (cursor) params.set('cursor', cursor)
    const url = `${base}?${params}`
    const headers = await serverHeaders(source)
    let response: Response
    try {
      response = await fetchImpl(url, { headers, ...(options.signal && { signal: options.signal }) })
    } catch (error) {
      if ((error as { name?: unknown })?.name === 'AbortError') throw error
      throw playerError('load_failed', `Could not reach ${url}: ${(error as Error)?.message ?? String(error)}`, error)
    }
    if (!response.ok) throw playerError('load_failed', `The server answered ${response.status} for ${url}: ${(await response.text().catch(() => '')).slice(0, 300)}`)
    const page = (await response.json()) as { sessions?: Array<{ id?: string; sessionId?: string }>; nextCursor?: string | null }
    for (const session of page.sessions ?? []) {
      const id = session.id ?? session.sessionId
      if (typeof id === 'string' && ids.length < limit) ids.push(id)
    }
    cursor = page.nextCursor
  } while (cursor && ids.length < limit)
  const recordings: Recording[] = []
  for (const sessionId of ids) recordings.push(await loadRecording({ ...source, sessionId }, options))
  return recordings
}

import type { TapedeckEvent } from '@tapedeck/core'
import { createReadClient, ReadApiError, sessionPath, toSearchParams, type ReadInit } from '@tapedeck/core/read'
import type { Credentials } from '../auth/credentials'
import { apiBase } from './apiBase'
import { prefetchedFetch } from './prefetched'
import type {
  CheckStatsQuery,
  CheckStatsResponse,
  AccessInfo,
  ReviewAnnotation,
  ReviewAnnotationInput,
  ReviewAnnotationPatch,
  SessionSearch,
  SessionFilters,
  SessionSearchPage,
  ShareCreated,
  ShareLink,
  StatsQuery,
  StatsResponse,
} from './types'

/** The read API (docs/server.md), as the signed-in key or share token, through core's read client. */
export function createStudioClient(auth: Credentials | null, base = apiBase()) {
  const client = createReadClient({ endpoint: base, token: auth?.token || undefined, fetch: prefetchedFetch })
  const call = (path: string, init?: ReadInit): Promise<Response> => client.request(path, init)
  const json = client.json
  // A body that is not text or bytes goes as JSON.
  const send = (method: string, body: unknown): ReadInit => ({ method, body })

  return {
    base,
    auth,
    /** Authorization header for loadRecording (`token`). */
    token: auth?.token || undefined,
    listSessions: (search: SessionSearch, signal?: AbortSignal): Promise<SessionSearchPage> => client.listSessions(search, signal),
    getSession: (id: string, signal?: AbortSignal) => client.getSession(id, signal),
    events: (id: string): Promise<TapedeckEvent[]> => client.events(id),
    /** Each grouping's statistics, in the order asked, from one request. */
    stats: (query: StatsQuery, signal?: AbortSignal): Promise<StatsResponse[]> => client.stats(query, signal),
    /** Pass rates per check (`validation.result` annotations), grouped. */
    checkStats: (query: CheckStatsQuery, signal?: AbortSignal) => json<CheckStatsResponse>(`/v1/stats/checks?${toSearchParams(query)}`, { signal: signal ?? null }),
    access: (signal?: AbortSignal) => json<AccessInfo>('/v1/access', { signal: signal ?? null }),
    /** The session's review annotations; null when the server keeps none (a server from before the Studio API). */
    annotations: async (id: string, signal?: AbortSignal): Promise<ReviewAnnotation[] | null> => {
      try {
        return await client.annotations(id, signal)
      } catch (error) {
        if (error instanceof ReadApiError && error.status === 404 && error.code === 'not_found') return null
        throw error
      }
    },
    addAnnotation: async (id: string, input: ReviewAnnotationInput) =>
      (await json<{ annotation: ReviewAnnotation }>(`${sessionPath(id)}/annotations`, send('POST', input))).annotation,
    updateAnnotation: async (id: string, annotationId: string, patch: ReviewAnnotationPatch) =>
      (await json<{ annotation: ReviewAnnotation }>(`${sessionPath(id)}/annotations/${encodeURIComponent(annotationId)}`, send('PATCH', patch))).annotation,
    deleteAnnotation: async (id: string, annotationId: string) => {
      await call(`${sessionPath(id)}/annotations/${encodeURIComponent(annotationId)}`, { method: 'DELETE' })
    },
    share: (id: string, expiresInMs: number) => json<ShareCreated>(`${sessionPath(id)}/shares`, send('POST', { expiresInMs })),
    /** The session's share links that have not expired (never their tokens). */
    shares: async (id: string, signal?: AbortSignal) => (await json<{ shares: ShareLink[] }>(`${sessionPath(id)}/shares`, { signal: signal ?? null })).shares,
    revokeShare: async (id: string, shareId: string) => {
      await call(`${sessionPath(id)}/shares/${encodeURIComponent(shareId)}`, { method: 'DELETE' })
    },
    /** Every session matching the filters, in one file (GET /v1/export, streamed by the server). */
    exportSessions: async (filters: SessionFilters, format: 'zip' | 'jsonl') => (await call(`/v1/export?${toSearchParams({ ...filters, format })}`)).blob(),
    download: (id: string, format: 'zip' | 'jsonl' | 'html' | 'csv') => client.exportSession(id, format),
  }
}

export type StudioClient = ReturnType<typeof createStudioClient>

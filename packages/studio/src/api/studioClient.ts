import type { SessionDetail, TapedeckEvent } from '@tapedeck/core'
import type { Credentials } from '../auth/credentials'
import { apiBase } from './apiBase'
import { prefetchedFetch } from './prefetchSession'
import { StudioApiError } from './StudioApiError'
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

/** Query parameters: empty values are left out, so `?q=` never reaches the server. */
export function toParams(values: object): URLSearchParams {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value))
  }
  return params
}

/** The read API (docs/server.md), as the signed-in key or share token. */
export function createStudioClient(auth: Credentials | null, base = apiBase()) {
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (auth?.token) headers.set('Authorization', `Bearer ${auth.token}`)
    const response = await prefetchedFetch(`${base}${path}`, { ...init, headers })
    if (!response.ok) throw await StudioApiError.from(response)
    return response
  }
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => (await call(path, init)).json() as Promise<T>
  const send = (method: string, body: unknown): RequestInit => ({ method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  const session = (id: string) => `/v1/sessions/${encodeURIComponent(id)}`

  return {
    base,
    auth,
    /** Authorization header for loadRecording (`token`). */
    token: auth?.token || undefined,
    listSessions: (search: SessionSearch, signal?: AbortSignal) => json<SessionSearchPage>(`/v1/sessions?${toParams(search)}`, { signal: signal ?? null }),
    getSession: (id: string, signal?: AbortSignal) => json<SessionDetail>(session(id), { signal: signal ?? null }),
    events: async (id: string): Promise<TapedeckEvent[]> => {
      const text = await (await call(`${session(id)}/events`)).text()
      return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as TapedeckEvent)
    },
    stats: (query: StatsQuery, signal?: AbortSignal) => json<StatsResponse>(`/v1/stats?${toParams(query)}`, { signal: signal ?? null }),
    /** Pass rates per check (`validation.result` annotations), grouped. */
    checkStats: (query: CheckStatsQuery, signal?: AbortSignal) => json<CheckStatsResponse>(`/v1/stats/checks?${toParams(query)}`, { signal: signal ?? null }),
    access: (signal?: AbortSignal) => json<AccessInfo>('/v1/access', { signal: signal ?? null }),
    /** The session's review annotations; null when the server keeps none (a server from before the Studio API). */
    annotations: async (id: string, signal?: AbortSignal): Promise<ReviewAnnotation[] | null> => {
      try {
        return (await json<{ annotations: ReviewAnnotation[] }>(`${session(id)}/annotations`, { signal: signal ?? null })).annotations
      } catch (error) {
        if (error instanceof StudioApiError && error.status === 404 && error.code === 'not_found') return null
        throw error
      }
    },
    addAnnotation: async (id: string, input: ReviewAnnotationInput) =>
      (await json<{ annotation: ReviewAnnotation }>(`${session(id)}/annotations`, send('POST', input))).annotation,
    updateAnnotation: async (id: string, annotationId: string, patch: ReviewAnnotationPatch) =>
      (await json<{ annotation: ReviewAnnotation }>(`${session(id)}/annotations/${encodeURIComponent(annotationId)}`, send('PATCH', patch))).annotation,
    deleteAnnotation: async (id: string, annotationId: string) => {
      await call(`${session(id)}/annotations/${encodeURIComponent(annotationId)}`, { method: 'DELETE' })
    },
    share: (id: string, expiresInMs: number) => json<ShareCreated>(`${session(id)}/shares`, send('POST', { expiresInMs })),
    /** The session's share links that have not expired (never their tokens). */
    shares: async (id: string, signal?: AbortSignal) => (await json<{ shares: ShareLink[] }>(`${session(id)}/shares`, { signal: signal ?? null })).shares,
    revokeShare: async (id: string, shareId: string) => {
      await call(`${session(id)}/shares/${encodeURIComponent(shareId)}`, { method: 'DELETE' })
    },
    /** Every session matching the filters, in one file (GET /v1/export, streamed by the server). */
    exportSessions: async (filters: SessionFilters, format: 'zip' | 'jsonl') => (await call(`/v1/export?${toParams({ ...filters, format })}`)).blob(),
    download: async (id: string, format: 'zip' | 'jsonl' | 'html' | 'csv') => (await call(`${session(id)}/export?format=${format}`)).blob(),
  }
}

export type StudioClient = ReturnType<typeof createStudioClient>

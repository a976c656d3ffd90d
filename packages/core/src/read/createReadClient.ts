import type { TapedeckEvent } from '../events/catalogue'
import type { ReviewAnnotation, SessionDetail, SessionExportFormat, SessionSearchPage, StatsGroupBy, StatsManyResponse, StatsResponse } from '../protocol/readApi'
import { trimEndpoint, withBearer } from '../util/endpoint'
import { ReadApiError } from './ReadApiError'
import { toSearchParams } from './toSearchParams'

/** A key, or a function that gives the current one (called once per request). */
export type ReadToken = string | null | undefined | (() => string | null | undefined | Promise<string | null | undefined>)

export interface ReadClientOptions {
  /** The server's base URL (what the recorder's `endpoint` is), e.g. `https://rec.example.com`. */
  endpoint: string
  /** A read key (a review or admin key to write), sent as `Authorization: Bearer …`. */
  token?: ReadToken
  /** Sent with every request (a proxy's own header, say). */
  headers?: Record<string, string>
  /** Default `globalThis.fetch`, looked up at each request. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>
}

/** A request's options; `body` other than a string, Blob or bytes is sent as JSON. */
export type ReadInit = Omit<RequestInit, 'body'> & { body?: unknown }

export interface ReadClient {
  /** The base URL, without trailing slashes. */
  readonly endpoint: string
  /**
   * `{endpoint}{path}` with the headers and key: a 2xx answer, or a {@link ReadApiError}
   * (`network_error` when nothing answered). A cancelled request rejects with its `AbortError`.
   */
  request(path: string, init?: ReadInit): Promise<Response>
  /** `request`, answered as JSON (`null` for an empty answer). */
  json<T>(path: string, init?: ReadInit): Promise<T>
  /** `GET /v1/sessions?…`: a page of sessions, newest first (empty filter values are left out). */
  listSessions(query?: object, signal?: AbortSignal): Promise<SessionSearchPage>
  /**
   * `GET /v1/stats?…` (the filters as `listSessions` takes them): one grouping's statistics
   * (`groupBy`, default `day`); with `groupBy` a list, each grouping's from one request (the
   * server reads the sessions once for all of them), in the order asked.
   */
  stats(query?: object & { groupBy?: StatsGroupBy }, signal?: AbortSignal): Promise<StatsResponse>
  stats(query: object & { groupBy: readonly StatsGroupBy[] }, signal?: AbortSignal): Promise<StatsResponse[]>
  /** `GET /v1/sessions/{id}`. */
  getSession(id: string, signal?: AbortSignal): Promise<SessionDetail>
  /** `GET /v1/sessions/{id}/events` (NDJSON) in seq order; `streams: 'linked'` adds its linked streams on one timeline (docs/protocol.md §7). */
  events(id: string, options?: { fromSeq?: number; streams?: 'linked'; signal?: AbortSignal }): Promise<TapedeckEvent[]>
  /** `GET /v1/sessions/{id}/annotations`: reviewers' annotations, oldest first. */
  annotations(id: string, signal?: AbortSignal): Promise<ReviewAnnotation[]>
  /** `GET /v1/sessions/{id}/export?format=`. */
  exportSession(id: string, format: SessionExportFormat, signal?: AbortSignal): Promise<Blob>
  /** `DELETE /v1/sessions/{id}` (an admin key, or the ingest key for a session it recorded). */
  deleteSession(id: string): Promise<void>
}

/** The path of a session's routes: `/v1/sessions/{id}` with the id encoded. */
export function sessionPath(id: string): string {
  return `/v1/sessions/${encodeURIComponent(id)}`
}

/**
 * A client for a Tapedeck server's read API (docs/protocol.md §4 and docs/server.md): one place
 * for the base URL, the key and the errors. `@tapedeck/react`'s server hooks, the player's
 * `loadRecording({ endpoint })` and the Studio read through it.
 */
export function createReadClient(options: ReadClientOptions): ReadClient {
  const endpoint = trimEndpoint(options.endpoint)
  const fetchImpl = options.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init))

  const request = async (path: string, { body, ...init }: ReadInit = {}): Promise<Response> => {
    const url = `${endpoint}${path}`
    const token = typeof options.token === 'function' ? await options.token() : options.token
    const headers = new Headers(withBearer(options.headers, token))
    new Headers(init.headers).forEach((value, name) => headers.set(name, value))
    const raw = body === undefined || typeof body === 'string' || body instanceof Blob || body instanceof ArrayBuffer || ArrayBuffer.isView(body)
    if (!raw && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json')
    let response: Response
    try {
      response = await fetchImpl(url, { ...init, headers, ...(body !== undefined && { body: raw ? (body as BodyInit) : JSON.stringify(body) }) })
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'AbortError') throw error
      throw new ReadApiError(0, 'network_error', `Could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`, url, { cause: error })
    }
    if (!response.ok) throw await ReadApiError.from(response, url)
    return response
  }

  const json = async <T>(path: string, init?: ReadInit): Promise<T> => {
    const text = await (await request(path, init)).text()
    return (text === '' ? null : JSON.parse(text)) as T
  }

  return {
    endpoint,
    request,
    json,
    listSessions: (query, signal) => {
      const params = toSearchParams(query).toString()
      return json(`/v1/sessions${params ? `?${params}` : ''}`, { signal: signal ?? null })
    },
    stats: (async (query: { groupBy?: StatsGroupBy | readonly StatsGroupBy[] } = {}, signal?: AbortSignal) => {
      const { groupBy } = query
      const many = typeof groupBy === 'object'
      const answer = await json<StatsResponse | StatsManyResponse>(`/v1/stats?${toSearchParams({ ...query, groupBy: many ? groupBy.join(',') : groupBy })}`, { signal: signal ?? null })
      // A list of one grouping is asked as that grouping alone: its answer comes unwrapped.
      return !many ? answer : 'results' in answer ? answer.results : [answer]
    }) as ReadClient['stats'],
    getSession: (id, signal) => json(sessionPath(id), { signal: signal ?? null }),
    events: async (id, { fromSeq, streams, signal } = {}) => {
      const params = toSearchParams({ fromSeq, streams }).toString()
      const text = await (await request(`${sessionPath(id)}/events${params ? `?${params}` : ''}`, { signal: signal ?? null })).text()
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as TapedeckEvent)
    },
    annotations: async (id, signal) => (await json<{ annotations: ReviewAnnotation[] }>(`${sessionPath(id)}/annotations`, { signal: signal ?? null })).annotations,
    exportSession: async (id, format, signal) => (await request(`${sessionPath(id)}/export?format=${encodeURIComponent(format)}`, { signal: signal ?? null })).blob(),
    deleteSession: async (id) => {
      const response = await request(sessionPath(id), { method: 'DELETE' })
      await response.body?.cancel().catch(() => undefined)
    },
  }
}

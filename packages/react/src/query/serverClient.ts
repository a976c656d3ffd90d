import type { SessionQuery, TapedeckEvent } from '@tapedeck/core'
import type { ServerSource } from './RecordingSource'
import { ServerRequestError } from './ServerRequestError'
import type { ServerExportFormat, ServerSession, ServerSessionPage } from './serverTypes'

/** The reference server's read API (docs/protocol.md §4), with `fetch`. */
export const serverClient = {
  async list(source: ServerSource, filter: SessionQuery, signal?: AbortSignal): Promise<ServerSessionPage> {
    const params = new URLSearchParams()
    for (const [name, value] of Object.entries(filter)) {
      if (value !== undefined && value !== null && value !== '') params.set(name, String(value))
    }
    const text = params.toString()
    const query = text ? `?${text}` : ''
    return (await request(source, `/v1/sessions${query}`, { signal })).json() as Promise<ServerSessionPage>
  },

  /** The session, or `null` when the server has no such session. */
  async get(source: ServerSource, id: string, signal?: AbortSignal): Promise<ServerSession | null> {
    const response = await request(source, `/v1/sessions/${encodeURIComponent(id)}`, { signal }, true)
    return response ? ((await response.json()) as ServerSession) : null
  },

  /** The events (NDJSON) in seq order; none when the server has no such session. */
  async events(source: ServerSource, id: string, fromSeq?: number, signal?: AbortSignal): Promise<TapedeckEvent[]> {
    const query = fromSeq ? `?fromSeq=${fromSeq}` : ''
    const response = await request(source, `/v1/sessions/${encodeURIComponent(id)}/events${query}`, { signal }, true)
    if (!response) return []
    const text = await response.text()
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as TapedeckEvent)
  },

  async export(source: ServerSource, id: string, format: ServerExportFormat): Promise<Blob> {
    const response = await request(source, `/v1/sessions/${encodeURIComponent(id)}/export?format=${format}`, {})
    return response.blob()
  },

  /** `true` when the server erased the session, `false` when it had none. */
  async delete(source: ServerSource, id: string): Promise<boolean> {
    const response = await request(source, `/v1/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }, true)
    return response !== null
  },
}

async function request(source: ServerSource, path: string, init: RequestInit, notFoundIsNull: true): Promise<Response | null>
async function request(source: ServerSource, path: string, init: RequestInit): Promise<Response>
async function request(source: ServerSource, path: string, init: RequestInit, notFoundIsNull = false): Promise<Response | null> {
  const response = await fetch(`${source.server.replace(/\/+$/, '')}${path}`, { ...init, headers: { ...source.headers } })
  if (response.ok) return response
  const error = await ServerRequestError.from(response)
  if (notFoundIsNull && response.status === 404 && error.code === 'session_not_found') return null
  throw error
}

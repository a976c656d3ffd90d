/** A session as the reference server describes it (`GET /v1/sessions/{id}`, docs/server.md). */
export interface ServerSession {
  id: string
  status: 'active' | 'ended' | 'interrupted'
  /** `data` of the session's `session.started` event; `{}` until it arrives. */
  metadata: Record<string, unknown>
  startedAt: number | null
  endedAt: number | null
  completeness: {
    /** `session.ended` arrived and every seq from 0 to its lastSeq is stored. */
    complete: boolean
    lastSeq: number | null
    /** Missing seqs between 0 and lastSeq. */
    gaps: Array<{ from: number; to: number }>
  }
  stats: {
    events: number
    durationMs: number
    /** `null` when calls are sealed (`encryptForServer`): the server cannot read them. */
    costUsd: number | null
    inputTokens: number | null
    outputTokens: number | null
    calls: number
    errors: number
    /** Events whose content is sealed for a private key; present only when there are some. */
    sealedEvents?: number
  }
}

/** `GET /v1/sessions`: newest start first. */
export interface ServerSessionPage {
  sessions: ServerSession[]
  nextCursor: string | null
}

/** What the server's export takes: `jsonl`, `zip` (with blobs), `html` (a report), `csv` (one row per provider call). */
export type ServerExportFormat = 'jsonl' | 'zip' | 'html' | 'csv'


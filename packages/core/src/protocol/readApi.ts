// The reference server's read API (PROTOCOL.md §4) as types: what `GET /v1/sessions` and
// `GET /v1/sessions/{id}` answer. The server builds these; clients (the React hooks) read them.
// Types only, with no imports: this file costs nothing in a bundle.

/** What a session is, as the server tells from the events it holds. */
export type SessionDetailStatus = 'active' | 'ended' | 'interrupted'

/** An inclusive range of seqs. */
export interface SeqRange {
  from: number
  to: number
}

/** A legal hold: the session is kept from erasure and from retention until it is released. */
export interface SessionHold {
  /** Why it is held, e.g. a case number; shown to read and admin keys only. */
  reason: string
  /** When it was placed, epoch ms. */
  since: number
}

/** Whether every event of a session arrived. */
export interface SessionCompleteness {
  /** true when `session.ended` arrived and every seq from 0 to its lastSeq is stored. */
  complete: boolean
  /** `session.ended`'s lastSeq, else the highest seq stored. */
  lastSeq: number | null
  /** Missing seqs between 0 and lastSeq. */
  gaps: SeqRange[]
}

/** A session's counts, from the events the server holds. */
export interface SessionDetailStats {
  events: number
  /** Largest minus smallest `t` stored. */
  durationMs: number
  /** `null` when some calls are sealed (`encryptForServer`): their cost and tokens cannot be read here. */
  costUsd: number | null
  inputTokens: number | null
  outputTokens: number | null
  calls: number
  /** What event types show; a tool call's error inside a sealed payload is not counted. */
  errors: number
  /** Events whose content is sealed for a private key; present only when there are some. */
  sealedEvents?: number
}

/** What `GET /v1/sessions/{id}` answers, and what a page of sessions lists. */
export interface SessionDetail {
  id: string
  status: SessionDetailStatus
  /** `data` of the seq-0 `session.started` event; `{}` until it arrives. */
  metadata: Record<string, unknown>
  startedAt: number | null
  endedAt: number | null
  completeness: SessionCompleteness
  stats: SessionDetailStats
  /** The legal hold on it, or null: a held session is kept from erasure and retention. */
  hold: SessionHold | null
}

/** `GET /v1/sessions`: newest start first; pass `nextCursor` back as `cursor` for the next page. */
export interface SessionListPage {
  sessions: SessionDetail[]
  nextCursor: string | null
}

/** What `GET /v1/sessions/{id}/export?format=` takes: `jsonl`, `zip` (with blobs), `html` (a report), `csv` (one row per provider call). */
export type SessionExportFormat = 'jsonl' | 'zip' | 'html' | 'csv'

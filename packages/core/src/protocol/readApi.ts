// The reference server's read API (docs/protocol.md §4) as types: what `GET /v1/sessions` and
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
  /** Models its provider calls named (at most 50); present only when there are some. */
  models?: string[]
  /** Sum of its `audio.input` and `audio.output` `durationMs`; present only when it has audio events. */
  audioMs?: number
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
  /**
   * `GET /v1/sessions/{id}` only: the ids of the streams linked to it (docs/protocol.md §7, a
   * backend's recording of the same conversation), sorted; absent when there are none.
   */
  streams?: string[]
}

/** `GET /v1/sessions`: newest start first; pass `nextCursor` back as `cursor` for the next page. */
export interface SessionListPage {
  sessions: SessionDetail[]
  nextCursor: string | null
}

/**
 * What `GET /v1/sessions/{id}/export?format=` takes: `jsonl`, `zip` (with blobs), `html` (a report),
 * `csv` (one row per provider call), and the transcript as `vtt` (WebVTT), `srt` (SubRip) or `txt`.
 */
export type SessionExportFormat = 'jsonl' | 'zip' | 'html' | 'csv' | 'vtt' | 'srt' | 'txt'

// ---- Studio read API: many sessions at once, review work and share links (docs/server.md, "Studio API").

/** What `GET /v1/sessions` can be sorted by (`sort=`), with `order=asc|desc` (default `desc`). */
export type SessionSortField = 'startedAt' | 'costUsd' | 'durationMs' | 'errors' | 'calls'

/** Where a text search (`q=`) matched: the first matching text of the session, in seq order. */
export type SearchMatchField = 'message' | 'prompt' | 'response' | 'tool' | 'transcript' | 'error'

/** A short excerpt of the matching text (at most about 200 characters), with the words found marked. */
export interface SearchMatch {
  /** The event the text belongs to: a player can open the session at it. */
  seq: number
  /** That event's `t` (ms since the session started), when it has one. */
  t: number | null
  field: SearchMatchField
  /** Plain text, never HTML: render it as text. */
  snippet: string
  /** Ranges of `snippet` (UTF-16 offsets, `end` exclusive) that matched a searched word. */
  highlights: Array<{ start: number; end: number }>
}

/** A session in a page of `GET /v1/sessions`: its detail, and with `q=` where it matched. */
export interface SessionListItem extends SessionDetail {
  /** Present when the request had `q=`. */
  match?: SearchMatch
}

/**
 * `GET /v1/sessions` (with the Studio filters): `total` counts every session that matches the
 * filters (all pages); pass `nextCursor` back as `cursor` with the same filters and sort.
 */
export interface SessionSearchPage {
  sessions: SessionListItem[]
  nextCursor: string | null
  total: number
  /** With `q=`: counting stopped at 1,000 and more sessions match (show "1,000+"); absent otherwise. */
  totalCapped?: true
}

/** `GET /v1/stats?groupBy=`: time buckets (UTC) or a field of the sessions or their calls. */
export type StatsGroupBy = 'day' | 'hour' | 'model' | 'userId' | 'feature' | 'agentId' | 'tag'

/** Percentiles as PostgreSQL's `percentile_cont` computes them (linear interpolation); null without values. */
export interface Percentiles {
  p50: number | null
  p95: number | null
}

/** One row of statistics: over a group's sessions and their finished provider calls. */
export interface StatsRow {
  /** Sessions in the group (for `model`: sessions whose provider calls name that model). */
  sessions: number
  /** Distinct `userId`s among them (sessions without one are not counted). */
  users: number
  /** Sessions with `errors > 0`. */
  sessionsWithErrors: number
  /** The sessions' errors (`stats.errors` summed). */
  errors: number
  /** Finished provider calls (completed and failed); for `model`, of that model only. */
  calls: number
  failedCalls: number
  inputTokens: number
  outputTokens: number
  cachedTokens: number
  reasoningTokens: number
  /** Sum of the calls' `costUsd` (sealed calls count 0: their cost cannot be read). */
  costUsd: number
  /** Over completed calls with a `latencyMs` / `ttftMs`. */
  latencyMs: Percentiles
  ttftMs: Percentiles
  /** Sum of the sessions' `audio.input` and `audio.output` `durationMs`, in minutes. */
  audioMinutes: number
}

export interface StatsGroup extends StatsRow {
  /**
   * day/hour: the bucket's start as an ISO date-time in UTC (`2026-12-05T00:00:00.000Z`);
   * otherwise the value (`gpt-4o-mini`, a user id, …), or null for sessions/calls without one.
   */
  key: string | null
}

/** `GET /v1/stats`. */
export interface StatsResponse {
  /** The range actually used, epoch ms, `from` inclusive and `to` exclusive, by session start. */
  from: number
  to: number
  groupBy: StatsGroupBy
  /** day/hour: ascending by time, empty buckets left out; others: by costUsd desc, then key, at most `limit`. */
  groups: StatsGroup[]
  /** The same figures over every matching session (not the sum of the groups: users are distinct, percentiles are not additive). */
  totals: StatsRow
}

/**
 * `GET /v1/stats?groupBy=day,model,…`: several groupings in one request (the store reads the
 * sessions and their calls once for all of them), one answer per grouping in the order asked.
 */
export interface StatsManyResponse {
  from: number
  to: number
  results: StatsResponse[]
}

/** What `GET /v1/stats/checks` groups pass rates by (docs/evaluations.md, "Pass rates on a server"). */
export type CheckStatsGroupBy = 'day' | 'model' | 'agentId' | 'tag' | 'check'

/** One check in one group: verdicts counted, verdicts passed, and their ratio. */
export interface CheckRate {
  check: string
  runs: number
  passed: number
  /** passed / runs. */
  passRate: number
}

export interface CheckStatsGroup {
  /** A day (`2026-12-05T00:00:00.000Z`), model, agentId or tag; null when the session has none; the check's name for `check`. */
  key: string | null
  checks: CheckRate[]
}

/** `GET /v1/stats/checks`: pass rates per check, in groups and over everything. */
export interface CheckStatsResponse {
  from: number
  to: number
  groupBy: CheckStatsGroupBy
  groups: CheckStatsGroup[]
  totals: CheckRate[]
  /** Sessions with annotations read; when more match than the server reads, `capped` is true and only the newest were counted. */
  sessions: number
  capped?: true
}

/** What a reviewer wrote about a session: `comment`, `label`, `score` (1–5) or `flag`. */
export type ReviewAnnotationKind = 'comment' | 'label' | 'score' | 'flag'

/** Where in the session an annotation points: a span of `t` (ms since start) or of seqs, both inclusive. */
export type ReviewAnnotationRange = { fromT: number; toT: number } | { fromSeq: number; toSeq: number }

/** `GET /v1/sessions/{id}/annotations` lists these, oldest first. */
export interface ReviewAnnotation {
  id: string
  sessionId: string
  kind: ReviewAnnotationKind
  /** comment: the text (1–10,000 chars); label: the label (1–200); flag: the reason (0–10,000); score: an optional note (0–10,000). */
  text: string
  /** score: an integer 1–5; other kinds: null. */
  score: number | null
  /** null: the whole session. */
  range: ReviewAnnotationRange | null
  /** Who wrote it, as the client said (1–200 chars): keys name a kind, not a person. */
  author: string
  /** Epoch ms, by the server's clock. */
  createdAt: number
  updatedAt: number
}

/** `POST /v1/sessions/{id}/annotations` body. */
export interface ReviewAnnotationInput {
  kind: ReviewAnnotationKind
  text?: string
  score?: number
  range?: ReviewAnnotationRange | null
  author: string
}

/** `PATCH /v1/sessions/{id}/annotations/{annotationId}` body: any of these; kind and author stay. */
export interface ReviewAnnotationPatch {
  text?: string
  score?: number
  range?: ReviewAnnotationRange | null
}

/** A share link as listed: never its token, which is only answered once, when it is made. */
export interface ShareLink {
  id: string
  sessionId: string
  createdAt: number
  expiresAt: number
}

/** `POST /v1/sessions/{id}/shares` answers the link and its token (send as `Authorization: Bearer <token>`). */
export interface ShareCreated {
  share: ShareLink
  token: string
}

/** `GET /v1/access`: what the key or share token sent may do. */
export interface AccessInfo {
  /** 'open': the server has no keys. */
  kind: 'read' | 'review' | 'admin' | 'share' | 'open'
  /** For a share token: the one session it reads, and when it expires. */
  sessionId?: string
  expiresAt?: number
}

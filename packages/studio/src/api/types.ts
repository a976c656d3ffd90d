// The Studio API's shapes (docs/server.md, "Studio API"). They mirror, name for name, the types
// `@tapedeck/core` exports from its read API (packages/core/src/protocol/readApi.ts on the
// `studioapi` branch); once that is merged this file becomes `export type { … } from '@tapedeck/core'`.
import type { SessionDetail } from '@tapedeck/core'

export type SessionSortField = 'startedAt' | 'costUsd' | 'durationMs' | 'errors' | 'calls'
export type SearchMatchField = 'message' | 'prompt' | 'response' | 'tool' | 'transcript' | 'error'

export interface SearchMatch {
  seq: number
  t: number | null
  field: SearchMatchField
  /** Plain text, never HTML. */
  snippet: string
  /** UTF-16 ranges of `snippet`, end exclusive, that matched a searched word. */
  highlights: Array<{ start: number; end: number }>
}

export interface SessionListItem extends SessionDetail {
  match?: SearchMatch
}

export interface SessionSearchPage {
  sessions: SessionListItem[]
  nextCursor: string | null
  total: number
}

export type StatsGroupBy = 'day' | 'hour' | 'model' | 'userId' | 'feature' | 'agentId' | 'tag'

export interface Percentiles {
  p50: number | null
  p95: number | null
}

export interface StatsRow {
  sessions: number
  users: number
  sessionsWithErrors: number
  errors: number
  calls: number
  failedCalls: number
  inputTokens: number
  outputTokens: number
  cachedTokens: number
  reasoningTokens: number
  costUsd: number
  latencyMs: Percentiles
  ttftMs: Percentiles
  audioMinutes: number
}

export interface StatsGroup extends StatsRow {
  /** day/hour: the bucket's start, ISO in UTC; otherwise the value, or null for "without one". */
  key: string | null
}

export interface StatsResponse {
  from: number
  to: number
  groupBy: StatsGroupBy
  groups: StatsGroup[]
  totals: StatsRow
}

export type ReviewAnnotationKind = 'comment' | 'label' | 'score' | 'flag'
export type ReviewAnnotationRange = { fromT: number; toT: number } | { fromSeq: number; toSeq: number }

export interface ReviewAnnotation {
  id: string
  sessionId: string
  kind: ReviewAnnotationKind
  text: string
  score: number | null
  range: ReviewAnnotationRange | null
  author: string
  createdAt: number
  updatedAt: number
}

export interface ReviewAnnotationInput {
  kind: ReviewAnnotationKind
  text?: string
  score?: number
  range?: ReviewAnnotationRange | null
  author: string
}

export interface ReviewAnnotationPatch {
  text?: string
  score?: number
  range?: ReviewAnnotationRange | null
}

export interface ShareLink {
  id: string
  sessionId: string
  createdAt: number
  expiresAt: number
}

export interface ShareCreated {
  share: ShareLink
  token: string
}

export interface AccessInfo {
  kind: 'read' | 'review' | 'admin' | 'share' | 'open'
  sessionId?: string
  expiresAt?: number
}

// ---- the Studio's own

/** The filters of docs/server.md, as query parameters (strings, as in the URL). */
export interface SessionFilters {
  q?: string
  from?: string
  to?: string
  userId?: string
  feature?: string
  agentId?: string
  status?: string
  tag?: string
  label?: string
  model?: string
  hasErrors?: string
  hasAudio?: string
  reviewed?: string
  flagged?: string
  minCostUsd?: string
  maxCostUsd?: string
  minDurationMs?: string
}

export interface SessionSearch extends SessionFilters {
  sort?: SessionSortField
  order?: 'asc' | 'desc'
  limit?: number
  cursor?: string
}

export interface StatsQuery extends SessionFilters {
  groupBy: StatsGroupBy
  limit?: number
}

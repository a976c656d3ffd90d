// The Studio API's shapes (docs/server.md, "Studio API") come from `@tapedeck/core`'s read API;
// below them, the Studio's own query shapes (strings, as in the URL).
import type { SessionSortField, StatsGroupBy } from '@tapedeck/core'

export type {
  AccessInfo,
  Percentiles,
  ReviewAnnotation,
  ReviewAnnotationInput,
  ReviewAnnotationKind,
  ReviewAnnotationPatch,
  ReviewAnnotationRange,
  SearchMatch,
  SearchMatchField,
  SessionListItem,
  SessionSearchPage,
  SessionSortField,
  ShareCreated,
  ShareLink,
  StatsGroup,
  StatsGroupBy,
  StatsResponse,
  StatsRow,
} from '@tapedeck/core'

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

/** `GET /v1/stats/checks?groupBy=` (docs/evaluations.md, "Pass rates on a server"). */
export type CheckStatsGroupBy = 'day' | 'model' | 'agentId' | 'tag' | 'check'

/** One check in one group: verdicts counted, passed, and their ratio. */
export interface CheckRate {
  check: string
  runs: number
  passed: number
  passRate: number
}

export interface CheckStatsResponse {
  from: number
  to: number
  groupBy: CheckStatsGroupBy
  groups: Array<{ key: string | null; checks: CheckRate[] }>
  totals: CheckRate[]
  sessions: number
  capped?: true
}

export interface CheckStatsQuery extends SessionFilters {
  groupBy: CheckStatsGroupBy
}

export interface StatsQuery extends SessionFilters {
  groupBy: StatsGroupBy
  limit?: number
}

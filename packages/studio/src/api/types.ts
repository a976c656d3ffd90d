// The Studio API's shapes (docs/server.md, "Studio API") come from `@tapedeck/core`'s read API;
// below them, the Studio's own query shapes (strings, as in the URL).
import type { CheckStatsGroupBy, SessionSortField, StatsGroupBy } from '@tapedeck/core'

export type {
  AccessInfo,
  CheckRate,
  CheckStatsGroupBy,
  CheckStatsResponse,
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


export interface CheckStatsQuery extends SessionFilters {
  groupBy: CheckStatsGroupBy
}

/** Several groupings at once: one request, one answer per grouping (docs/server.md, "GET /v1/stats"). */
export interface StatsQuery extends SessionFilters {
  groupBy: readonly StatsGroupBy[]
  limit?: number
}

import type { SessionSortField } from '@tapedeck/core'
import { sortKey, type SessionSummary } from '../summary/sessionSummary.js'

/**
 * The value a session is sorted by, as every store computes it (PostgreSQL keeps it in a
 * column): cost rounded to the nanodollar and 0 when unknown (sealed), duration as in the detail.
 */
export function sessionSortValue(summary: SessionSummary, field: SessionSortField): number {
  switch (field) {
    case 'startedAt':
      return sortKey(summary)
    case 'costUsd':
      return knownCost(summary) ?? 0
    case 'durationMs':
      return summary.maxT === null || summary.minT === null ? 0 : summary.maxT - summary.minT
    case 'errors':
      return summary.errors
    case 'calls':
      return summary.calls
    default:
      throw new Error(`unknown sort field ${String(field satisfies never)}`)
  }
}

/** The session's cost, or null when sealed calls hide part of it. */
export function knownCost(summary: SessionSummary): number | null {
  return (summary.sealedCalls ?? 0) > 0 ? null : Math.round(summary.costUsd * 1e9) / 1e9
}

import type { SessionDetail } from '@tapedeck/core'
import { describeSession } from '../summary/describeSession.js'
import type { SessionSummary } from '../summary/sessionSummary.js'

/** A tapedeck_sessions row joined to its hold (PostgreSQL store). */
export interface SessionRow {
  summary: string
  hold_reason: string | null
  hold_since: string | null
}

export function describeSessionRow(row: SessionRow): SessionDetail {
  const hold = row.hold_reason === null ? null : { reason: row.hold_reason, since: Number(row.hold_since) }
  return describeSession(JSON.parse(row.summary) as SessionSummary, hold)
}

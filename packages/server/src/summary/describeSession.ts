import type { SessionHold } from '../store/SessionStore.js'
import { missingRanges, type SeqRange } from './seqRanges.js'
import type { SessionSummary } from './sessionSummary.js'

export type SessionStatus = 'active' | 'ended' | 'interrupted'

/** What `GET /v1/sessions/{id}` answers, and what a page of sessions lists. */
export interface SessionDetail {
  id: string
  status: SessionStatus
  /** `data` of the seq-0 `session.started` event; `{}` until it arrives. */
  metadata: Record<string, unknown>
  startedAt: number | null
  endedAt: number | null
  completeness: {
    /** true when `session.ended` arrived and every seq from 0 to its lastSeq is stored. */
    complete: boolean
    /** `session.ended`'s lastSeq, else the highest seq stored. */
    lastSeq: number | null
    /** Missing seqs between 0 and lastSeq. */
    gaps: SeqRange[]
  }
  stats: {
    events: number
    /** Largest minus smallest `t` stored. */
    durationMs: number
    costUsd: number
    inputTokens: number
    outputTokens: number
    calls: number
    errors: number
  }
  /** The legal hold on it, or null: a held session is kept from erasure and retention. */
  hold: SessionHold | null
}

export function describeSession(summary: SessionSummary, hold: SessionHold | null = null): SessionDetail {
  const lastSeq = summary.endedLastSeq ?? summary.received.at(-1)?.to ?? null
  const gaps = lastSeq === null ? [] : missingRanges(summary.received, 0, lastSeq)
  return {
    id: summary.id,
    status: sessionStatus(summary),
    metadata: summary.metadata ?? {},
    startedAt: summary.startedAt,
    endedAt: summary.endedAt,
    completeness: { complete: summary.endedLastSeq !== null && gaps.length === 0, lastSeq, gaps },
    stats: {
      events: summary.events,
      durationMs: summary.maxT === null || summary.minT === null ? 0 : summary.maxT - summary.minT,
      // Sums of binary fractions drift (0.1 + 0.2); a nanodollar is below any price.
      costUsd: Math.round(summary.costUsd * 1e9) / 1e9,
      inputTokens: summary.inputTokens,
      outputTokens: summary.outputTokens,
      calls: summary.calls,
      errors: summary.errors,
    },
    hold,
  }
}

export function sessionStatus(summary: SessionSummary): SessionStatus {
  if (summary.endedLastSeq !== null) return 'ended'
  return summary.interrupted ? 'interrupted' : 'active'
}

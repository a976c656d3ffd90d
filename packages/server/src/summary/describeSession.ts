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
  /** The legal hold on it, or null: a held session is kept from erasure and retention. */
  hold: SessionHold | null
}

export function describeSession(summary: SessionSummary, hold: SessionHold | null = null): SessionDetail {
  const lastSeq = summary.endedLastSeq ?? summary.received.at(-1)?.to ?? null
  const gaps = lastSeq === null ? [] : missingRanges(summary.received, 0, lastSeq)
  const unknown = (summary.sealedCalls ?? 0) > 0
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
      costUsd: unknown ? null : Math.round(summary.costUsd * 1e9) / 1e9,
      inputTokens: unknown ? null : summary.inputTokens,
      outputTokens: unknown ? null : summary.outputTokens,
      calls: summary.calls,
      errors: summary.errors,
      ...((summary.sealed ?? 0) > 0 && { sealedEvents: summary.sealed }),
    },
    hold,
  }
}

export function sessionStatus(summary: SessionSummary): SessionStatus {
  if (summary.endedLastSeq !== null) return 'ended'
  return summary.interrupted ? 'interrupted' : 'active'
}

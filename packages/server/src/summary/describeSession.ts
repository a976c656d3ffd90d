import type { SessionDetail, SessionDetailStatus, SessionHold } from '@tapedeck/core'
import { missingRanges } from './seqRanges.js'
import type { SessionSummary } from './sessionSummary.js'

export function describeSession(summary: SessionSummary, hold: SessionHold | null = null): SessionDetail {
  const lastSeq = summary.endedLastSeq ?? summary.received.at(-1)?.to ?? null
  const gaps = lastSeq === null ? [] : missingRanges(summary.covered ?? summary.received, 0, lastSeq)
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
      ...((summary.models ?? []).length > 0 && { models: [...summary.models!] }),
      ...((summary.audioParts ?? 0) > 0 && { audioMs: summary.audioMs ?? 0 }),
    },
    hold,
  }
}

export function sessionStatus(summary: SessionSummary): SessionDetailStatus {
  if (summary.endedLastSeq !== null) return 'ended'
  return summary.interrupted ? 'interrupted' : 'active'
}

import type { ReviewAnnotation } from '@tapedeck/core'
import { sessionStatus } from '../summary/describeSession.js'
import { sortKey, type SessionSummary } from '../summary/sessionSummary.js'
import { knownCost, sessionSortValue } from './sessionSortValue.js'
import type { SessionConditions } from './SessionStore.js'

/** Whether the conditions that need the annotations ask for them (label, reviewed, flagged). */
export function needsAnnotations(conditions: SessionConditions): boolean {
  return conditions.label !== undefined || conditions.reviewed !== undefined || conditions.flagged !== undefined
}

/** Every condition but the text search (`words`), for stores that filter in memory. */
export function matchesConditions(summary: SessionSummary, conditions: SessionConditions, annotations: readonly ReviewAnnotation[] = []): boolean {
  const metadata = summary.metadata ?? {}
  const start = sortKey(summary)
  const cost = knownCost(summary)
  const c = conditions
  return (
    summary.events > 0 &&
    (c.userId === undefined || metadata.userId === c.userId) &&
    (c.feature === undefined || metadata.feature === c.feature) &&
    (c.agentId === undefined || metadata.agentId === c.agentId) &&
    (c.status === undefined || sessionStatus(summary) === c.status) &&
    (c.from === undefined || start >= c.from) &&
    (c.to === undefined || start < c.to) &&
    (c.tag === undefined || (Array.isArray(metadata.tags) && metadata.tags.includes(c.tag))) &&
    (c.label === undefined || metadata.label === c.label || annotations.some((a) => a.kind === 'label' && a.text === c.label)) &&
    (c.model === undefined || (summary.models ?? []).includes(c.model)) &&
    (c.hasErrors === undefined || summary.errors > 0 === c.hasErrors) &&
    (c.hasAudio === undefined || (summary.audioParts ?? 0) > 0 === c.hasAudio) &&
    (c.reviewed === undefined || annotations.length > 0 === c.reviewed) &&
    (c.flagged === undefined || annotations.some((a) => a.kind === 'flag') === c.flagged) &&
    (c.minCostUsd === undefined || (cost !== null && cost >= c.minCostUsd)) &&
    (c.maxCostUsd === undefined || (cost !== null && cost <= c.maxCostUsd)) &&
    (c.minDurationMs === undefined || sessionSortValue(summary, 'durationMs') >= c.minDurationMs)
  )
}

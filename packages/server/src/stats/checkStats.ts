import type { CheckRate, CheckStatsGroup, CheckStatsGroupBy, ReviewAnnotation, SessionListItem } from '@tapedeck/core'
import { fromValidationReview } from '@tapedeck/player'
import type { CheckStatsQuery, CheckStatsResult, SessionCursor, SessionStore } from '../store/SessionStore.js'
import { bucketKey } from './statsFigures.js'

const PAGE = 500
/** The sessions one answer reads at most (newest first). */
export const MAX_SESSIONS = 20_000
const DAY = 86_400_000

/**
 * Pass rates per check over the sessions that started in [from, to) and match the filters,
 * grouped by day, model, agentId, tag or check, for stores without SQL (memory, files): on top of
 * `listSessions` and `listAnnotations`, each session's latest verdict per check counts once; at
 * most MAX_SESSIONS sessions are read (then `capped`). PostgreSQL counts in SQL (postgresCheckStats).
 */
export async function scanCheckStats(store: SessionStore, { groupBy, ...conditions }: CheckStatsQuery): Promise<CheckStatsResult> {
  const groups = new Map<string | null, Map<string, CheckRate>>()
  const totals = new Map<string, CheckRate>()
  let sessions = 0
  let after: SessionCursor | null = null
  let capped = false
  for (;;) {
    // Only sessions with a review annotation can hold a verdict: the store filters them (in SQL on PostgreSQL).
    const page = await store.listSessions({ ...conditions, reviewed: true, limit: PAGE, sort: 'startedAt', order: 'desc', ...(after && { after }) })
    for (const session of page.sessions) {
      if (sessions >= MAX_SESSIONS) {
        capped = true
        break
      }
      sessions++
      const verdicts = verdictsOf((await store.listAnnotations(session.id)) ?? [])
      for (const [check, passed] of verdicts) {
        count(totals, check, passed)
        for (const key of keysOf(session, check, groupBy)) {
          const rates = groups.get(key) ?? new Map<string, CheckRate>()
          groups.set(key, rates)
          count(rates, check, passed)
        }
      }
    }
    if (capped || !page.next || page.sessions.length === 0) break
    after = page.next
  }
  return {
    groups: sortedGroups([...groups].map(([key, rates]) => ({ key, checks: [...rates.values()] }))),
    totals: sortedRates([...totals.values()]),
    sessions,
    ...(capped && { capped: true as const }),
  }
}

/** A check's rate: runs, passed and the pass rate to 1e-6. */
export function checkRate(check: string, runs: number, passed: number): CheckRate {
  return { check, runs, passed, passRate: Math.round((passed / runs) * 1e6) / 1e6 }
}

/** Checks in name order. */
export function sortedRates(rates: CheckRate[]): CheckRate[] {
  return rates.sort((a, b) => (a.check < b.check ? -1 : a.check > b.check ? 1 : 0))
}

/** Groups in key order (null last), each group's checks in name order. */
export function sortedGroups(groups: CheckStatsGroup[]): CheckStatsGroup[] {
  for (const group of groups) sortedRates(group.checks)
  return groups.sort((a, b) => (a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1))
}

/**
 * Each check's latest verdict among the annotations (they come oldest first): check → passed. A
 * verdict is a comment `validation.result {json}` (docs/evaluations.md, "Results on a server"),
 * read by the player's own reader.
 */
function verdictsOf(annotations: ReadonlyArray<Pick<ReviewAnnotation, 'kind' | 'text'>>): Map<string, boolean> {
  const verdicts = new Map<string, boolean>()
  for (const annotation of annotations) {
    const value = fromValidationReview(annotation)
    if (value?.name) verdicts.set(value.name, value.passed)
  }
  return verdicts
}

function keysOf(session: SessionListItem, check: string, groupBy: CheckStatsGroupBy): Array<string | null> {
  if (groupBy === 'check') return [check]
  if (groupBy === 'day') return [session.startedAt === null ? null : bucketKey(session.startedAt, DAY)]
  if (groupBy === 'model') return session.stats.models?.length ? [...new Set(session.stats.models)] : [null]
  const metadata = session.metadata ?? {}
  if (groupBy === 'tag') {
    const tags = Array.isArray(metadata.tags) ? [...new Set(metadata.tags.filter((tag): tag is string => typeof tag === 'string'))] : []
    return tags.length ? tags : [null]
  }
  const value = metadata.agentId
  return [typeof value === 'string' ? value : null]
}

function count(rates: Map<string, CheckRate>, check: string, passed: boolean): void {
  const rate = rates.get(check)
  rates.set(check, checkRate(check, (rate?.runs ?? 0) + 1, (rate?.passed ?? 0) + (passed ? 1 : 0)))
}

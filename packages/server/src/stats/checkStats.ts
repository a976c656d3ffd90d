import type { CheckRate, CheckStatsGroupBy, CheckStatsResponse, SessionListItem } from '@tapedeck/core'
import type { SessionConditions, SessionCursor, SessionStore } from '../store/SessionStore.js'
import { bucketKey } from './statsFigures.js'

/** What the store counts for `GET /v1/stats/checks`; the route adds the range and grouping. */
export type CheckStatsResult = Omit<CheckStatsResponse, 'from' | 'to' | 'groupBy'>

/** A verdict on a server: a comment `validation.result {json}` (docs/evaluations.md, "Results on a server"). */
const PREFIX = 'validation.result '
const PAGE = 500
/** The sessions one answer reads at most (newest first). */
export const MAX_SESSIONS = 20_000
const DAY = 86_400_000

/**
 * Pass rates per check over the sessions that started in [from, to) and match the filters,
 * grouped by day, model, agentId, tag or check. One implementation for every store, on top of
 * `listSessions` and `listAnnotations`: each session's latest verdict per check counts once.
 */
export async function checkStats(store: SessionStore, conditions: SessionConditions & { from: number; to: number }, groupBy: CheckStatsGroupBy): Promise<CheckStatsResult> {
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
  const sorted = (rates: Map<string, CheckRate>) => [...rates.values()].sort((a, b) => (a.check < b.check ? -1 : a.check > b.check ? 1 : 0))
  const rows = [...groups].map(([key, rates]) => ({ key, checks: sorted(rates) }))
  rows.sort((a, b) => (a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1))
  return { groups: rows, totals: sorted(totals), sessions, ...(capped && { capped: true as const }) }
}

/** Each check's latest verdict among the annotations (they come oldest first): check → passed. */
function verdictsOf(annotations: ReadonlyArray<{ kind: string; text: string }>): Map<string, boolean> {
  const verdicts = new Map<string, boolean>()
  for (const annotation of annotations) {
    if (annotation.kind !== 'comment' || !annotation.text.startsWith(PREFIX)) continue
    let value: unknown
    try {
      value = JSON.parse(annotation.text.slice(PREFIX.length))
    } catch {
      continue
    }
    const { name, passed } = (value ?? {}) as { name?: unknown; passed?: unknown }
    if (typeof name === 'string' && name && typeof passed === 'boolean') verdicts.set(name, passed)
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
  const rate = rates.get(check) ?? { check, runs: 0, passed: 0, passRate: 0 }
  rate.runs++
  if (passed) rate.passed++
  rate.passRate = Math.round((rate.passed / rate.runs) * 1e6) / 1e6
  rates.set(check, rate)
}

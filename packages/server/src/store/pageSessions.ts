import { sessionStatus } from '../summary/describeSession.js'
import { sortKey, type SessionSummary } from '../summary/sessionSummary.js'
import type { SessionCursor, SessionFilter } from './SessionStore.js'

/**
 * Filters and pages summaries held in memory, newest first; stores with a query language do
 * this themselves. The store describes the page (with each session's hold).
 */
export function pageSessions(summaries: Iterable<SessionSummary>, filter: SessionFilter): { page: SessionSummary[]; next: SessionCursor | null } {
  const matching = [...summaries].filter((summary) => matches(summary, filter)).sort(newestFirst)
  const page = matching.slice(0, filter.limit)
  const last = page.at(-1)
  return { page, next: last && matching.length > page.length ? { sortKey: sortKey(last), id: last.id } : null }
}

function matches(summary: SessionSummary, filter: SessionFilter): boolean {
  const key = sortKey(summary)
  const { after } = filter
  return (
    summary.events > 0 &&
    (filter.userId === undefined || summary.metadata?.userId === filter.userId) &&
    (filter.feature === undefined || summary.metadata?.feature === filter.feature) &&
    (filter.status === undefined || sessionStatus(summary) === filter.status) &&
    (filter.from === undefined || key >= filter.from) &&
    (filter.to === undefined || key < filter.to) &&
    (after === undefined || key < after.sortKey || (key === after.sortKey && summary.id < after.id))
  )
}

function newestFirst(a: SessionSummary, b: SessionSummary): number {
  return sortKey(b) - sortKey(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

import type { ReviewAnnotation, SearchMatch, SessionHold, SessionListItem } from '@tapedeck/core'
import { searchTexts } from '../search/searchTexts.js'
import { holdsWords } from '../search/searchWords.js'
import { snippetOf } from '../search/snippetOf.js'
import { describeSession } from '../summary/describeSession.js'
import type { SessionSummary } from '../summary/sessionSummary.js'
import { matchesConditions, needsAnnotations } from './matchesConditions.js'
import { sessionSortValue } from './sessionSortValue.js'
import { totalCapOf, type SessionConditions, type SessionFilter, type SessionPage, type WireEvent } from './SessionStore.js'

/** What a store that filters in memory lends the scan. */
export interface ScanSource {
  summaries(): Promise<Iterable<SessionSummary>>
  annotations(sessionId: string): Promise<readonly ReviewAnnotation[]>
  events(sessionId: string): AsyncIterable<WireEvent>
  /** Whether the session is a stream linked to a parent (docs/protocol.md §7). */
  isStream(sessionId: string): Promise<boolean>
  /** The session's legal hold, or null. */
  hold(sessionId: string): Promise<SessionHold | null>
}

export interface ScannedSession {
  summary: SessionSummary
  match?: SearchMatch
}

/** The sessions matching every condition, the text search included (which reads their events). */
export async function scanMatching(source: ScanSource, conditions: SessionConditions): Promise<ScannedSession[]> {
  const matching: ScannedSession[] = []
  const withAnnotations = needsAnnotations(conditions)
  for (const summary of await source.summaries()) {
    const annotations = withAnnotations ? await source.annotations(summary.id) : []
    if (!matchesConditions(summary, conditions, annotations)) continue
    if (conditions.withoutStreams && (await source.isStream(summary.id))) continue
    if (!conditions.words) {
      matching.push({ summary })
      continue
    }
    const match = await firstMatch(source.events(summary.id), conditions.words)
    if (match) matching.push({ summary, match })
  }
  return matching
}

/** A page of the matching sessions in the filter's order, each described with its hold (and its match), its cursor and the total. */
export async function scanSessions(source: ScanSource, filter: SessionFilter): Promise<SessionPage> {
  const field = filter.sort ?? 'startedAt'
  const direction = filter.order === 'asc' ? 1 : -1
  const keyed = (await scanMatching(source, filter)).map((scanned) => ({ ...scanned, value: sessionSortValue(scanned.summary, field) }))
  const compare = (a: { value: number; id: string }, b: { value: number; id: string }) =>
    direction * (a.value - b.value || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  keyed.sort((a, b) => compare({ value: a.value, id: a.summary.id }, { value: b.value, id: b.summary.id }))
  const after = filter.after
  const rest = after ? keyed.filter((s) => compare({ value: s.value, id: s.summary.id }, { value: after.sortKey, id: after.id }) > 0) : keyed
  const page = rest.slice(0, filter.limit)
  const last = page.at(-1)
  const sessions: SessionListItem[] = []
  for (const { summary, match } of page) sessions.push({ ...describeSession(summary, await source.hold(summary.id)), ...(match && { match }) })
  return {
    sessions,
    next: last && rest.length > page.length ? { sortKey: last.value, id: last.summary.id } : null,
    ...(keyed.length > totalCapOf(filter) ? { total: totalCapOf(filter), totalCapped: true as const } : { total: keyed.length }),
  }
}

/** The first text of the session, in seq order, that holds every word. */
async function firstMatch(events: AsyncIterable<WireEvent>, words: readonly string[]): Promise<SearchMatch | undefined> {
  for await (const event of events) {
    for (const text of searchTexts(event)) {
      if (holdsWords(text.text, words)) return { seq: text.seq, t: text.t, field: text.field, ...snippetOf(text.text, words) }
    }
  }
  return undefined
}

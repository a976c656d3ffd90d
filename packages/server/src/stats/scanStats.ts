import type { StatsGroup, StatsGroupBy, StatsRow } from '@tapedeck/core'
import { scanMatching, type ScanSource } from '../store/scanSessions.js'
import type { StatsQuery, StatsResult } from '../store/SessionStore.js'
import { sortKey, type SessionSummary } from '../summary/sessionSummary.js'
import { foldCalls, type CallFacts } from './callFacts.js'
import { sketchOf, sketchPercentiles } from './percentileSketch.js'
import { bucketKey, bucketMs, byCostThenKey, roundRow } from './statsFigures.js'

interface Accumulator {
  sessions: Set<string>
  users: Set<string>
  sessionsWithErrors: number
  errors: number
  audioMs: number
  calls: CallFacts[]
}

/**
 * Statistics for stores that hold no call rows (file, memory): the matching sessions with
 * their calls (folded from their events), grouped in memory, in one pass for every grouping of
 * the query. PostgreSQL computes the same figures in SQL.
 */
export async function scanStats(source: ScanSource, query: StatsQuery): Promise<StatsResult> {
  const groupings = query.groupBy.map((groupBy) => ({ groupBy, width: bucketMs(groupBy), groups: new Map<string | null, Accumulator>() }))
  const totals = accumulator()
  for (const { summary } of await scanMatching(source, query)) {
    const finished = (await foldCalls(source.events(summary.id))).filter((call) => call.finished)
    addSession(totals, summary, finished)
    for (const { groupBy, width, groups } of groupings) {
      if (groupBy === 'model') {
        // Sessions count under every model their calls name (summary.models); calls under their own model.
        for (const model of summary.models ?? []) addSession(group(groups, model), summary, [])
        for (const call of finished) group(groups, call.model).calls.push(call)
        continue
      }
      for (const key of sessionKeys(summary, groupBy, width)) addSession(group(groups, key), summary, finished)
    }
  }
  const results = groupings.map(({ width, groups }) => {
    const rows: StatsGroup[] = [...groups].map(([key, acc]) => ({ key, ...figures(acc) }))
    return width === null ? rows.sort(byCostThenKey).slice(0, query.limit) : rows.sort((a, b) => (a.key! < b.key! ? -1 : 1))
  })
  return { groups: results, totals: figures(totals) }
}

function sessionKeys(summary: SessionSummary, groupBy: Exclude<StatsGroupBy, 'model'>, width: number | null): Array<string | null> {
  if (width !== null) return [bucketKey(sortKey(summary), width)]
  const metadata = summary.metadata ?? {}
  if (groupBy === 'tag') {
    const tags = Array.isArray(metadata.tags) ? [...new Set(metadata.tags.filter((tag): tag is string => typeof tag === 'string'))] : []
    return tags.length ? tags : [null]
  }
  const value = metadata[groupBy]
  return [typeof value === 'string' ? value : null]
}

function accumulator(): Accumulator {
  return { sessions: new Set(), users: new Set(), sessionsWithErrors: 0, errors: 0, audioMs: 0, calls: [] }
}

function group(groups: Map<string | null, Accumulator>, key: string | null): Accumulator {
  let acc = groups.get(key)
  if (!acc) groups.set(key, (acc = accumulator()))
  return acc
}

function addSession(acc: Accumulator, summary: SessionSummary, calls: readonly CallFacts[]): void {
  if (!acc.sessions.has(summary.id)) {
    acc.sessions.add(summary.id)
    const userId = summary.metadata?.userId
    if (typeof userId === 'string') acc.users.add(userId)
    if (summary.errors > 0) acc.sessionsWithErrors += 1
    acc.errors += summary.errors
    acc.audioMs += summary.audioMs ?? 0
  }
  acc.calls.push(...calls)
}

function figures(acc: Accumulator): StatsRow {
  const sum = (pick: (call: CallFacts) => number) => acc.calls.reduce((total, call) => total + pick(call), 0)
  const percentiles = (pick: (call: CallFacts) => number | null) => sketchPercentiles(sketchOf(acc.calls.filter((call) => !call.failed).map(pick)))
  return roundRow({
    sessions: acc.sessions.size,
    users: acc.users.size,
    sessionsWithErrors: acc.sessionsWithErrors,
    errors: acc.errors,
    calls: acc.calls.length,
    failedCalls: acc.calls.filter((call) => call.failed).length,
    inputTokens: sum((call) => call.inputTokens),
    outputTokens: sum((call) => call.outputTokens),
    cachedTokens: sum((call) => call.cachedTokens),
    reasoningTokens: sum((call) => call.reasoningTokens),
    costUsd: sum((call) => call.costUsd),
    latencyMs: percentiles((call) => call.latencyMs),
    ttftMs: percentiles((call) => call.ttftMs),
    audioMinutes: acc.audioMs / 60_000,
  })
}

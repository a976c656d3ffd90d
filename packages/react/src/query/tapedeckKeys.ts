import type { Recorder, SessionQuery } from '@tapedeck/core'

/** Which store a key belongs to: one recorder's IndexedDB, or one server. */
export type SourceKey = { local: string } | { server: string }
export type TapedeckScope = readonly ['tapedeck', SourceKey]

const localIds = new WeakMap<Recorder, string>()
let nextLocalId = 0

/**
 * Query keys of the Tapedeck hooks, TanStack style: every key starts with a scope (one recorder,
 * or one server), so invalidating a prefix reaches what it should and no more.
 *
 * ```
 * tapedeckKeys.all                          ['tapedeck']
 * tapedeckKeys.local(recorder)              ['tapedeck', { local: 'r1' }]
 * tapedeckKeys.server(url)                  ['tapedeck', { server: url }]
 * tapedeckKeys.lists(scope)                 [...scope, 'list']
 * tapedeckKeys.list(scope, filter)          [...scope, 'list', filter]
 * tapedeckKeys.details(scope)               [...scope, 'detail']
 * tapedeckKeys.detail(scope, id)            [...scope, 'detail', id]
 * tapedeckKeys.events(scope, id, options)   [...scope, 'detail', id, 'events', options]
 * ```
 *
 * Server keys hold the URL, never the headers (they carry credentials).
 */
export const tapedeckKeys = {
  all: ['tapedeck'] as const,
  /** Sessions in this recorder's database (two providers side by side have two scopes). */
  local(recorder: Recorder): TapedeckScope {
    let id = localIds.get(recorder)
    if (id === undefined) localIds.set(recorder, (id = `r${++nextLocalId}`))
    return ['tapedeck', { local: id }]
  },
  /** Sessions on a Tapedeck server. */
  server(url: string): TapedeckScope {
    return ['tapedeck', { server: url.replace(/\/+$/, '') }]
  },
  lists: (scope: TapedeckScope) => [...scope, 'list'] as const,
  list: (scope: TapedeckScope, filter: SessionQuery = {}) => [...scope, 'list', filter] as const,
  details: (scope: TapedeckScope) => [...scope, 'detail'] as const,
  detail: (scope: TapedeckScope, id: string) => [...scope, 'detail', id] as const,
  events: (scope: TapedeckScope, id: string, options: { fromSeq?: number } = {}) => [...scope, 'detail', id, 'events', options] as const,
}

/** A key of some server's scope (what a sync may have changed). */
export function isServerKey(queryKey: readonly unknown[]): boolean {
  const scope = queryKey[1]
  return queryKey[0] === 'tapedeck' && typeof scope === 'object' && scope !== null && 'server' in scope
}

import type { ProviderCallStartedData } from '@tapedeck/core'
import { validationResults } from '../eval/validationResults'
import type { Recording } from '../recording/Recording'
import { passRate, type PassRate } from './passRate'

/**
 * How to group recordings: `day` (UTC date the session started), `model` (the model of its first
 * provider call), `agent` (`agentId` of its metadata), `tag` (each of its tags: a recording with
 * two tags counts in both), or a function of your own.
 */
export type PassRateGrouping = 'day' | 'model' | 'agent' | 'tag' | ((recording: Recording) => string | string[])

export interface PassRateGroup extends PassRate {
  /** The group's key (`2026-12-05`, `gpt-4o-mini`…); `all` for the whole set; `none` when the recording has no value. */
  key: string
  sessions: number
  /** By check name. */
  checks: Record<string, PassRate>
}

export interface PassRates {
  all: PassRateGroup
  /** By key, in key order (empty without `by`). */
  groups: PassRateGroup[]
}

function keysOf(recording: Recording, by: PassRateGrouping): string[] {
  if (typeof by === 'function') {
    const key = by(recording)
    return Array.isArray(key) ? key : [key]
  }
  switch (by) {
    case 'day':
      return [recording.startedAt === null ? 'none' : new Date(recording.startedAt).toISOString().slice(0, 10)]
    case 'agent':
      return [recording.metadata.agentId ?? 'none']
    case 'tag':
      return recording.metadata.tags?.length ? [...new Set(recording.metadata.tags)] : ['none']
    case 'model': {
      const started = recording.events.find((event) => event.type === 'provider.call.started')
      return [(started?.data as ProviderCallStartedData | undefined)?.model ?? 'none']
    }
  }
}

function emptyGroup(key: string): PassRateGroup {
  return { key, sessions: 0, checks: {}, ...passRate(0, 0) }
}

function add(group: PassRateGroup, verdicts: ReadonlyArray<{ name: string; passed: boolean }>): void {
  group.sessions++
  let passed = group.passed
  let total = group.total
  for (const { name, passed: ok } of verdicts) {
    const previous = group.checks[name] ?? passRate(0, 0)
    group.checks[name] = passRate(previous.passed + (ok ? 1 : 0), previous.total + 1)
    total++
    if (ok) passed++
  }
  Object.assign(group, passRate(passed, total))
}

/**
 * Pass rates per check over many recordings — read from their `validation.result` events and the
 * annotations `evaluate` wrote — overall and grouped, so a change of prompt or model shows up
 * as a change of rate between groups.
 */
export function computePassRates(recordings: Iterable<Recording>, options: { by?: PassRateGrouping } = {}): PassRates {
  const all = emptyGroup('all')
  const groups = new Map<string, PassRateGroup>()
  for (const recording of recordings) {
    const verdicts = validationResults(recording)
    add(all, verdicts)
    if (!options.by) continue
    for (const key of keysOf(recording, options.by)) {
      let group = groups.get(key)
      if (!group) groups.set(key, (group = emptyGroup(key)))
      add(group, verdicts)
    }
  }
  return { all, groups: [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) }
}

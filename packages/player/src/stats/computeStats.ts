import type { TapedeckEvent, TokenUsage } from '@tapedeck/core'
import { computeSpeechStats, type SpeechStats } from './computeSpeechStats'
import { distribution, type Distribution } from './distribution'
import { passRate, type PassRate } from './passRate'
import { validationResults } from '../eval/validationResults'
import type { Recording } from '../recording/Recording'

export { distribution, type Distribution }

export interface ToolStats {
  /** Tool calls (distinct `toolCallId`s). */
  count: number
  /** Completed with an `error`. */
  errors: number
  /** Mean `durationMs` (else completed `t` − started `t`), `null` when none is known. */
  meanDurationMs: number | null
}

export interface CallStats {
  /** Distinct provider calls (by `callId`). */
  total: number
  completed: number
  failed: number
  /** Started and neither completed nor failed. */
  unfinished: number
  /** Of completed calls. */
  latencyMs: Distribution
  ttftMs: Distribution
}

export interface RecordingStats {
  events: number
  /** Last `t` − first `t`. */
  durationMs: number
  /** The same, with every pause between two events longer than `idleGapMs` left out. */
  activeTimeMs: number
  /** USD over completed and failed calls, rounded to 1e-9. */
  costUsd: number
  tokens: { input: number; output: number; cached: number; reasoning: number; total: number }
  calls: CallStats
  errors: {
    /** failedCalls + raised + toolErrors. */
    total: number
    failedCalls: number
    /** `error.raised` events. */
    raised: number
    toolErrors: number
  }
  /** By tool name. */
  tools: Record<string, ToolStats>
  messages: { total: number; byRole: Record<string, number> }
  userActions: { total: number; byKind: Record<string, number> }
  /**
   * Check verdicts by check name (`validation.result` events, and the annotations `evaluate`
   * wrote when given a Recording): for one recording, 1 of 1 or 0 of 1. `computePassRates`
   * gives them over many recordings, grouped by day, model, agent or tag.
   */
  checks: Record<string, PassRate>
  /** Voice analytics (talk time, silence, overlaps, barge-ins, turn latency, words per minute, call quality); absent when the recording holds no voice. */
  speech?: SpeechStats
}

export interface StatsOptions {
  /** Pauses longer than this do not count as active time. Default 300000 (5 min). */
  idleGapMs?: number
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1
}

/** Statistics of a recording (or of an array of one session's events in seq order). */
export function computeStats(recording: Recording | readonly TapedeckEvent[], options: StatsOptions = {}): RecordingStats {
  const events = Array.isArray(recording) ? (recording as readonly TapedeckEvent[]) : (recording as Recording).events
  const idleGapMs = options.idleGapMs ?? 300_000

  let cost = 0
  const tokens = { input: 0, output: 0, cached: 0, reasoning: 0, total: 0 }
  const callIds = new Set<string>()
  const finishedIds = new Set<string>()
  let anonymousCalls = 0
  let completed = 0
  let failed = 0
  const latencies: number[] = []
  const ttfts: number[] = []
  let raised = 0
  const toolStarts = new Map<string, { name: string; t: number }>()
  const tools = new Map<string, { ids: Set<string>; anonymous: number; errors: number; durations: number[] }>()
  const byRole: Record<string, number> = {}
  const byKind: Record<string, number> = {}
  let messages = 0
  let actions = 0
  let activeTimeMs = 0

  const tool = (name: string) => {
    let entry = tools.get(name)
    if (!entry) tools.set(name, (entry = { ids: new Set(), anonymous: 0, errors: 0, durations: [] }))
    return entry
  }

  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    if (i > 0) {
      const gap = event.t - events[i - 1]!.t
      if (gap > 0 && gap <= idleGapMs) activeTimeMs += gap
    }
    const data = event.data as Record<string, unknown>
    switch (event.type) {
      case 'provider.call.started':
        if (typeof data.callId === 'string') callIds.add(data.callId)
        break
      case 'provider.call.completed':
      case 'provider.call.failed': {
        if (typeof data.callId === 'string') {
          callIds.add(data.callId)
          finishedIds.add(data.callId)
        } else anonymousCalls++
        cost += num(data.costUsd) ?? 0
        const usage = data.usage as Partial<TokenUsage> | undefined
        if (usage && typeof usage === 'object') {
          tokens.input += num(usage.inputTokens) ?? 0
          tokens.output += num(usage.outputTokens) ?? 0
          tokens.cached += num(usage.cachedTokens) ?? 0
          tokens.reasoning += num(usage.reasoningTokens) ?? 0
        }
        if (event.type === 'provider.call.failed') failed++
        else {
          completed++
          const latency = num(data.latencyMs)
          if (latency !== undefined) latencies.push(latency)
          const ttft = num(data.ttftMs)
          if (ttft !== undefined) ttfts.push(ttft)
        }
        break
      }
      case 'error.raised':
        raised++
        break
      case 'tool.call.started':
        if (typeof data.toolCallId === 'string' && typeof data.name === 'string') {
          toolStarts.set(data.toolCallId, { name: data.name, t: event.t })
          tool(data.name).ids.add(data.toolCallId)
        }
        break
      case 'tool.call.completed': {
        const start = typeof data.toolCallId === 'string' ? toolStarts.get(data.toolCallId) : undefined
        const name = typeof data.name === 'string' ? data.name : start?.name
        if (name === undefined) break
        const entry = tool(name)
        if (typeof data.toolCallId === 'string') entry.ids.add(data.toolCallId)
        else entry.anonymous++
        if (data.error !== undefined && data.error !== null && data.error !== false) entry.errors++
        const duration = num(data.durationMs) ?? (start ? event.t - start.t : undefined)
        if (duration !== undefined) entry.durations.push(duration)
        break
      }
      case 'message.created':
        messages++
        bump(byRole, typeof data.role === 'string' ? data.role : 'unknown')
        break
      case 'user.action':
        actions++
        bump(byKind, typeof data.kind === 'string' ? data.kind : 'unknown')
        break
    }
  }

  tokens.total = tokens.input + tokens.output
  const toolStats: Record<string, ToolStats> = {}
  let toolErrors = 0
  for (const [name, entry] of [...tools].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const durations = entry.durations
    toolStats[name] = {
      count: entry.ids.size + entry.anonymous,
      errors: entry.errors,
      meanDurationMs: durations.length ? durations.reduce((sum, value) => sum + value, 0) / durations.length : null,
    }
    toolErrors += entry.errors
  }
  let unfinished = 0
  for (const id of callIds) if (!finishedIds.has(id)) unfinished++

  const checks: Record<string, PassRate> = {}
  for (const result of validationResults(recording)) checks[result.name] = passRate(result.passed ? 1 : 0, 1)

  const speech = computeSpeechStats(events)
  const first = events[0]
  const last = events[events.length - 1]
  return {
    events: events.length,
    durationMs: first && last ? Math.max(0, last.t - first.t) : 0,
    activeTimeMs,
    costUsd: Math.round(cost * 1e9) / 1e9,
    tokens,
    calls: {
      total: callIds.size + anonymousCalls,
      completed,
      failed,
      unfinished,
      latencyMs: distribution(latencies),
      ttftMs: distribution(ttfts),
    },
    errors: { total: failed + raised + toolErrors, failedCalls: failed, raised, toolErrors },
    tools: toolStats,
    messages: { total: messages, byRole },
    userActions: { total: actions, byKind },
    checks,
    ...(speech && { speech }),
  }
}

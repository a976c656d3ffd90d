import type { WireEvent } from '../store/SessionStore.js'
import { isRecord } from '../summary/isRecord.js'
import { eventNumber, isSealed } from '../summary/sessionSummary.js'

/**
 * One provider call as statistics see it, folded from its started, completed and failed events
 * (in any order: every field folds the same whichever event comes first). PostgreSQL keeps
 * these as rows of tapedeck_calls; the other stores fold them when asked.
 */
export interface CallFacts {
  callId: string
  /** The completed event's model wins over the started or failed event's (rank 2 over 1). */
  model: string | null
  modelRank: number
  /** A completed or failed event arrived: the call counts. */
  finished: boolean
  failed: boolean
  inputTokens: number
  outputTokens: number
  cachedTokens: number
  reasoningTokens: number
  costUsd: number
  latencyMs: number | null
  ttftMs: number | null
}

const CALL_EVENTS = new Set(['provider.call.started', 'provider.call.completed', 'provider.call.failed'])

/** What one event tells about its call; null for events that are not about a provider call. */
export function callFacts(event: WireEvent): CallFacts | null {
  if (!CALL_EVENTS.has(event.type)) return null
  const sealed = isSealed(event.data)
  const data = isRecord(event.data) && !sealed ? event.data : {}
  const usage = isRecord(data.usage) ? data.usage : {}
  const completed = event.type === 'provider.call.completed'
  const failed = event.type === 'provider.call.failed'
  const model = typeof data.model === 'string' && data.model !== '' ? data.model.replaceAll('\0', '') : null
  return {
    // A call without an id (or sealed) is a call of its own.
    callId: typeof data.callId === 'string' && data.callId !== '' ? data.callId.replaceAll('\0', '').slice(0, 256) : `seq:${event.seq}`,
    model,
    modelRank: model === null ? 0 : completed ? 2 : 1,
    finished: completed || failed,
    failed,
    inputTokens: completed ? count(usage.inputTokens) : 0,
    outputTokens: completed ? count(usage.outputTokens) : 0,
    cachedTokens: completed ? count(usage.cachedTokens) : 0,
    reasoningTokens: completed ? count(usage.reasoningTokens) : 0,
    costUsd: completed ? count(data.costUsd) : 0,
    latencyMs: completed || failed ? measure(data.latencyMs) : null,
    ttftMs: completed ? measure(data.ttftMs) : null,
  }
}

/** Folds two parts of one call; the SQL of createPostgresStore does the same on conflict. */
export function mergeCall(a: CallFacts, b: CallFacts): CallFacts {
  const model = b.modelRank > a.modelRank ? b : a
  return {
    callId: a.callId,
    model: model.model,
    modelRank: model.modelRank,
    finished: a.finished || b.finished,
    failed: a.failed || b.failed,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    costUsd: a.costUsd + b.costUsd,
    latencyMs: larger(a.latencyMs, b.latencyMs),
    ttftMs: larger(a.ttftMs, b.ttftMs),
  }
}

/** Every call of a session, from its events. */
export async function foldCalls(events: AsyncIterable<WireEvent>): Promise<CallFacts[]> {
  const calls = new Map<string, CallFacts>()
  for await (const event of events) {
    const part = callFacts(event)
    if (!part) continue
    const known = calls.get(part.callId)
    calls.set(part.callId, known ? mergeCall(known, part) : part)
  }
  return [...calls.values()]
}

/** A positive figure (tokens, cost), else 0; past the time bound (timeBound.ts) too, so that sums stay finite. */
function count(value: unknown): number {
  return Math.max(0, eventNumber(value) ?? 0)
}

function measure(value: unknown): number | null {
  const number = eventNumber(value)
  return number !== null && number >= 0 ? number : null
}

function larger(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b)
}

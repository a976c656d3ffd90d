import type { WireEvent } from '../store/SessionStore.js'
import type { SeqRange } from '@tapedeck/core'
import { ServerError } from '../ServerError.js'
import { withinTimeBound } from '../timeBound.js'
import { isRecord } from './isRecord.js'
import { addSeqs, unionRanges } from './seqRanges.js'
import { skippedRange } from './skippedRange.js'

/**
 * What a store keeps per session so that listing and describing never rescan events.
 * Folding is order-independent, so batches may be folded in any order, and a store can
 * rebuild it from its events at any time. Plain JSON.
 */
export interface SessionSummary {
  id: string
  /** `data` of the seq-0 `session.started` event, once it has arrived. */
  metadata: Record<string, unknown> | null
  /** `ts` of the seq-0 event. */
  startedAt: number | null
  /** `ts` of `session.ended`. */
  endedAt: number | null
  /** `data.lastSeq` of `session.ended`: the session is complete when 0..endedLastSeq are all stored. */
  endedLastSeq: number | null
  interrupted: boolean
  /** Smallest `ts` seen, to order sessions whose start has not arrived yet. */
  firstTs: number | null
  minT: number | null
  maxT: number | null
  /** The seqs stored, as sorted disjoint ranges. */
  received: SeqRange[]
  /**
   * The seqs stored or explained by a `seq.skipped` marker (docs/protocol.md §1): what is not
   * in it, up to the last seq, is a gap. Absent in summaries written before markers existed:
   * then it is `received`.
   */
  covered?: SeqRange[]
  events: number
  costUsd: number
  inputTokens: number
  outputTokens: number
  /** Finished provider calls: `provider.call.completed` and `provider.call.failed`. */
  calls: number
  /** `provider.call.failed`, `error.raised` and `tool.call.completed` with an `error`. */
  errors: number
  /** Events whose `data` is sealed for a private key (`encryptForServer`): their content is not counted. Absent in summaries written before sealing existed. */
  sealed?: number
  /** Sealed `provider.call.completed` events: the session's cost and tokens are unknown here. */
  sealedCalls?: number
  /** Models its provider calls named, distinct, at most MAX_MODELS (for the `model` filter). */
  models?: string[]
  /** `audio.input` and `audio.output` events, and the sum of their `durationMs`. */
  audioParts?: number
  audioMs?: number
}

const MAX_MODELS = 50

export function emptySummary(id: string): SessionSummary {
  return {
    id,
    metadata: null,
    startedAt: null,
    endedAt: null,
    endedLastSeq: null,
    interrupted: false,
    firstTs: null,
    minT: null,
    maxT: null,
    received: [],
    covered: [],
    events: 0,
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    calls: 0,
    errors: 0,
    sealed: 0,
    sealedCalls: 0,
    models: [],
    audioParts: 0,
    audioMs: 0,
  }
}

/**
 * Most separate runs of covered seqs (stored, or explained by a `seq.skipped` marker) a session
 * may hold. A recorder sends runs of consecutive seqs and explains the seqs it leased but never
 * used, so its sessions have a few (one more per lost batch); a session cut into more is refused
 * with 422 session_fragmented, which keeps every summary small and every append O(batch),
 * whatever the seq pattern (docs/server.md, "Limits").
 */
export const MAX_RECEIVED_RANGES = 1000

/**
 * Most separate runs of stored seqs: each tab's unused lease remainder leaves one (explained,
 * so not counted above), so a session continued by up to this many page loads fits.
 */
export const MAX_STORED_RANGES = 10_000

/** Adds events that were not stored before (ascending seq) to a summary; returns a new summary. */
export function foldEvents(summary: SessionSummary, events: readonly WireEvent[]): SessionSummary {
  const seqs = events.map((e) => e.seq)
  const received = addSeqs(summary.received, seqs)
  const explained = events.map(skippedRange).filter((range) => range !== null).sort((a, b) => a.from - b.from)
  const before = summary.covered ?? summary.received
  const covered = unionRanges(addSeqs(before, seqs), explained)
  if (
    (covered.length > MAX_RECEIVED_RANGES && covered.length > before.length) ||
    (received.length > MAX_STORED_RANGES && received.length > summary.received.length)
  ) {
    throw new ServerError(
      'session_fragmented',
      `The session's seqs would fall into more than ${MAX_RECEIVED_RANGES} separate runs; send consecutive seqs, explain unused ones with seq.skipped, or fill the gaps first.`,
    )
  }
  const next: SessionSummary = { ...summary, received, covered, models: [...(summary.models ?? [])] }
  for (const event of events) foldEvent(next, event)
  return next
}

/** The key sessions are listed by, newest first: the start, else the earliest event seen. */
export function sortKey(summary: SessionSummary): number {
  return Math.trunc(summary.startedAt ?? summary.firstTs ?? 0)
}

function foldEvent(summary: SessionSummary, event: WireEvent): void {
  const ts = eventNumber(event.ts)
  const t = eventNumber(event.t)
  const data = isRecord(event.data) ? event.data : {}
  summary.events += 1
  if (isSealed(event.data)) {
    summary.sealed = (summary.sealed ?? 0) + 1
    if (event.type === 'provider.call.completed') summary.sealedCalls = (summary.sealedCalls ?? 0) + 1
  }
  if (ts !== null) summary.firstTs = summary.firstTs === null ? ts : Math.min(summary.firstTs, ts)
  if (t !== null) {
    summary.minT = summary.minT === null ? t : Math.min(summary.minT, t)
    summary.maxT = summary.maxT === null ? t : Math.max(summary.maxT, t)
  }
  if (event.type.startsWith('provider.call.') && typeof data.model === 'string') addModel(summary, data.model)
  switch (event.type) {
    case 'audio.input':
    case 'audio.output':
      summary.audioParts = (summary.audioParts ?? 0) + 1
      summary.audioMs = (summary.audioMs ?? 0) + Math.max(0, eventNumber(data.durationMs) ?? 0)
      break
    case 'session.started':
      if (event.seq === 0) {
        summary.metadata = data
        summary.startedAt = ts
      }
      break
    case 'session.ended':
      summary.endedLastSeq = Number.isSafeInteger(data.lastSeq) ? (data.lastSeq as number) : event.seq
      summary.endedAt = ts
      break
    case 'session.interrupted':
      summary.interrupted = true
      break
    case 'provider.call.completed': {
      const usage = isRecord(data.usage) ? data.usage : {}
      summary.calls += 1
      summary.costUsd += eventNumber(data.costUsd) ?? 0
      summary.inputTokens += eventNumber(usage.inputTokens) ?? 0
      summary.outputTokens += eventNumber(usage.outputTokens) ?? 0
      break
    }
    case 'provider.call.failed':
      summary.calls += 1
      summary.errors += 1
      break
    case 'error.raised':
      summary.errors += 1
      break
    case 'tool.call.completed':
      if (data.error !== undefined && data.error !== null && data.error !== false) summary.errors += 1
      break
  }
}

function addModel(summary: SessionSummary, model: string): void {
  const models = summary.models!
  if (model !== '' && models.length < MAX_MODELS && !models.includes(model)) models.push(model)
}

/**
 * A number an event carries, or null when it is not one or past the time bound (timeBound.ts,
 * a Date's range), the largest magnitude a time or figure of an event counts with. Past it a
 * value means no clock or counter, so it is left out as if absent: a time stays one a Date and
 * a PostgreSQL bigint hold, and sums of figures stay finite.
 */
export function eventNumber(value: unknown): number | null {
  return typeof value === 'number' && withinTimeBound(value) ? value : null
}

/** `{"sealed":"…"}`: a payload sealed for a private key (docs/protocol.md, "Sealed data"). */
export function isSealed(data: unknown): boolean {
  return isRecord(data) && typeof data.sealed === 'string'
}

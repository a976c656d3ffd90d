/**
 * The PromptKit recording format (AltairaLabs/PromptKit, `runtime/recording`): JSON Lines whose
 * first line is `{"type":"metadata","metadata":{…}}` and every other line
 * `{"type":"event","event":{seq, type, timestamp, offset, session_id, data, …}}`. Times are RFC 3339
 * strings; `offset` and `duration` are Go `time.Duration`s, so integer nanoseconds. PromptKit's
 * reader needs `metadata.version` and ignores fields it does not know: the Tapedeck envelope
 * (`id`, `ts`, `t`, `tab`, `v`, `checkpoint`) rides along under `tapedeck`, so a Tapedeck export
 * reads back exactly.
 */
import type { TapedeckEvent } from '@tapedeck/core'
import type { Annotation } from '../annotations/Annotation'

export const PROMPTKIT_VERSION = '1.0'

export interface PromptKitMetadata {
  session_id: string
  start_time: string
  end_time: string
  /** Nanoseconds. */
  duration: number
  event_count: number
  provider_name?: string
  model?: string
  version: string
  created_at: string
  custom?: { tapedeck?: TapedeckCustom; [key: string]: unknown }
}

export interface TapedeckCustom {
  v: 1
  annotations?: Annotation[]
}

export interface PromptKitEvent {
  seq: number
  type: string
  timestamp: string
  /** Nanoseconds since the session started. */
  offset: number
  session_id: string
  data?: unknown
  tapedeck?: { v: number; id: string; ts: number; t: number; tab: string; checkpoint?: true }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const NS_PER_MS = 1e6

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : new Date(0).toISOString()
}

export function toPromptKitEvent(event: TapedeckEvent, startedAt: number): PromptKitEvent {
  const ts = typeof event.ts === 'number' ? event.ts : startedAt + event.t
  const envelope: NonNullable<PromptKitEvent['tapedeck']> = { v: event.v, id: event.id, ts: event.ts, t: event.t, tab: event.tab }
  if (event.checkpoint) envelope.checkpoint = true
  return {
    seq: event.seq,
    type: event.type,
    timestamp: iso(ts),
    offset: Math.round(event.t * NS_PER_MS),
    session_id: event.sessionId,
    data: event.data,
    tapedeck: envelope,
  }
}

/**
 * A PromptKit event back to a Tapedeck one: exact when it carries the `tapedeck` envelope,
 * else built from PromptKit's own fields (`offset` → `t`, `timestamp` → `ts`, an id from the seq).
 */
export function fromPromptKitEvent(value: unknown): unknown {
  if (!isObject(value)) return value
  const envelope = isObject(value.tapedeck) ? value.tapedeck : undefined
  const sessionId = value.session_id
  const seq = value.seq
  const data = isObject(value.data) ? value.data : value.data === undefined || value.data === null ? {} : { value: value.data }
  const ts = typeof envelope?.ts === 'number' ? envelope.ts : typeof value.timestamp === 'string' ? Date.parse(value.timestamp) : undefined
  const t = typeof envelope?.t === 'number' ? envelope.t : typeof value.offset === 'number' ? value.offset / NS_PER_MS : undefined
  const event: Record<string, unknown> = {
    v: envelope?.v ?? 1,
    id: envelope?.id ?? `${String(sessionId)}:${String(seq)}`,
    sessionId,
    seq,
    ts,
    t,
    tab: envelope?.tab ?? '',
    type: value.type,
    data,
  }
  if (envelope?.checkpoint === true) event.checkpoint = true
  return event
}

export function isPromptKitLine(value: unknown): value is { type: 'metadata' | 'event' } {
  return isObject(value) && (value.type === 'metadata' || (value.type === 'event' && isObject(value.event)))
}

/** Metadata from a `metadata` line; PromptKit's docs also show it flat, without the `metadata` key. */
export function promptKitMetadata(line: Record<string, unknown>): Partial<PromptKitMetadata> {
  return (isObject(line.metadata) ? line.metadata : line) as Partial<PromptKitMetadata>
}

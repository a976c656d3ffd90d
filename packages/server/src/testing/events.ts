import { gzipSync } from 'node:zlib'
import type { WireEvent } from '../store/SessionStore.js'
import { seeded } from '../../../core/test/seeded.mjs'

const START = 1_763_766_000_000

/** One wire event; `t` advances 100 ms per seq. */
export function event(sessionId: string, seq: number, type = 'message.created', data: Record<string, unknown> = {}): WireEvent {
  return { v: 1, id: `e_${sessionId}_${seq}`, sessionId, seq, ts: START + seq * 100, t: seq * 100, tab: 't_1', type, data }
}

export interface RecordedSession {
  events: WireEvent[]
  /** Consecutive batches of `batchSize` events. */
  batches: WireEvent[][]
}

/**
 * A session of `count` events: session.started (with metadata) at seq 0, then messages, and
 * session.ended at the end unless `ended` is false. `startedAt` shifts every ts.
 */
export function recordSession(
  sessionId: string,
  count: number,
  options: { userId?: string; feature?: string; ended?: boolean; startedAt?: number; batchSize?: number } = {},
): RecordedSession {
  const { userId = 'u_1', feature = 'chat', ended = true, startedAt = START, batchSize = 10 } = options
  const events: WireEvent[] = []
  for (let seq = 0; seq < count; seq++) {
    const last = seq === count - 1
    const e =
      seq === 0
        ? event(sessionId, 0, 'session.started', { userId, feature, label: 'test' })
        : last && ended
          ? event(sessionId, seq, 'session.ended', { lastSeq: seq, reason: 'done' })
          : event(sessionId, seq, 'message.created', { messageId: `m${seq}`, role: 'user', content: `message ${seq}` })
    events.push({ ...e, ts: startedAt + seq * 100 })
  }
  const batches: WireEvent[][] = []
  for (let i = 0; i < events.length; i += batchSize) batches.push(events.slice(i, i + batchSize))
  return { events, batches }
}

export function ndjson(events: readonly WireEvent[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join('')
}

/** Real gzip, from node:zlib (not the library the server inflates with). */
export function gzip(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(gzipSync(data))
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** The Fisher–Yates shuffle with a seeded generator, so a failing order can be replayed. */
export function shuffle<T>(items: readonly T[], seed = 1): T[] {
  const out = [...items]
  const random = seeded(seed)
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

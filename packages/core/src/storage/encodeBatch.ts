import type { SessionStartedData } from '../events/catalogue'
import type { PendingEvent } from '../events/serialize'
import { stampedTimes } from '../events/PackedBatch'
import { advanceLease, closeLeases, grantLease, leaseFor, nextFreeSeq, skipStamped, type LeaseGrant } from '../engine/SeqLeases'
import { eventId } from '../util/eventId'
import { envelopeHead } from '../events/envelopeHead'
import type { IngestBatch } from '../events/unpackBatch'
import { PAGE_LEFT } from '../events/pageLeft'
import { staysClear } from '../crypto/sealingFormat'
import { withMember } from '../util/withMember'
import { toArrayBuffer } from '../util/toArrayBuffer'
import { emptyCounters, type SessionCounters, type SessionRecord, type SessionSealing, type SessionStatus, type StoredChunk } from './schema'

export type { IngestBatch } from '../events/unpackBatch'
export type { CompressionLevel } from '../util/gzip'

export interface EncodeContext {
  /** Wall clock now, epoch ms. */
  now: number
  makeId: (ts: number) => string
  /** Redacts one payload's JSON; returns the same string when nothing matched. */
  redact: (json: string) => { json: string; count: number }
}


/**
 * A batch turned into NDJSON against the session as the engine last saw it (`base`), ready to be
 * compressed outside any transaction and committed with `commitBatch`.
 */
export interface EncodedBatch {
  sessionId: string
  /** The session seen when encoding: `undefined` for a batch that creates it. */
  base: SessionRecord | undefined
  /** The session as it is once the batch is stored. */
  session: SessionRecord
  firstSeq: number
  /** The batch's last seq (below the session's last when another tab's lease is further on). */
  lastSeq: number
  count: number
  /** NDJSON, one event a line; empty while `toSeal` is set. */
  raw: Uint8Array
  /**
   * `encryptForServer`: the payloads to seal (async, outside any transaction) and the NDJSON
   * around them (`pieces`, one more than `events`); `sealEncoded` makes `raw` from them.
   */
  toSeal?: { contentKey: CryptoKey; pieces: string[]; events: Array<{ seq: number; type: string; data: string }> }
  created: boolean
  resumed: boolean
  batchId?: string
  /** The block the batch asked for, leased to its page. */
  lease?: LeaseGrant
}

export interface AppliedBatch {
  session: SessionRecord
  chunk: StoredChunk | undefined
  /** The batch created the session. */
  created: boolean
  /** The batch opened an existing session again (`session.started` became `session.resumed`). */
  resumed: boolean
  lease?: LeaseGrant
}

/** The stored session moved since the batch was encoded (another tab wrote to it): encode again. */
export class StaleSessionError extends Error {
  override readonly name = 'StaleSessionError'
  constructor(readonly current: SessionRecord | undefined) {
    super('The session changed since the batch was encoded')
  }
}

const encoder = new TextEncoder()

const STATUS_AFTER: Partial<Record<string, SessionStatus>> = {
  'session.started': 'active',
  'session.resumed': 'active',
  'session.paused': 'paused',
  'session.ended': 'ended',
  'session.interrupted': 'interrupted',
}

/**
 * Whether storing this batch with `encryptForServer` (public key `kid`) needs a new content key:
 * for a new session, and for a session continued (`session.started` on an existing one) whose
 * key was not made for this public key.
 */
export function needsContentKey(base: SessionRecord | undefined, batch: IngestBatch, kid: string): boolean {
  return base === undefined || (batch.events[0]?.type === 'session.started' && base.sealing?.at(-1)?.kid !== kid)
}

/**
 * Assigns seq, id and t to a batch and redacts it, against the session as last seen. Pure and
 * synchronous; the slow part after it (sealing, compression, encryption) runs outside any
 * transaction, and `commitBatch` then checks, inside the write transaction, that nobody took
 * those seqs meanwhile. `fresh`: a new content key, announced in the batch's first event (see
 * `needsContentKey`). Once a session has a key, every payload but lifecycle ones is sealed.
 */
export function encodeBatch(base: SessionRecord | undefined, batch: IngestBatch, ctx: EncodeContext, fresh?: Omit<SessionSealing, 'fromSeq'>): EncodedBatch {
  let events = batch.events
  /** Leading events whose payload is already redacted. */
  let redactedAlready = 0
  let created = false
  let resumed = false
  let session: SessionRecord

  if (base === undefined) {
    created = true
    const first = events[0]!
    if (first.type !== 'session.started') {
      // The session was erased under a tab that still records into it: start it anew, visibly.
      events = [{ type: 'session.started', data: '{"reason":"recreated"}', ts: first.ts, at: first.at }, ...events]
    }
    // Metadata is kept on the session record too: from the redacted payload, like the event.
    const started = ctx.redact(events[0]!.data)
    session = newSession(batch.sessionId, { ...events[0]!, data: started.json }, ctx.now)
    session.counters.redactions += started.count
    events = [{ ...events[0]!, data: started.json }, ...events.slice(1)]
    redactedAlready = 1
  } else {
    session = { ...base, counters: { ...base.counters } }
    if (events[0]?.type === 'session.started') {
      resumed = true
      const { type: _type, ...rest } = events[0]
      const data = `{"reason":"reopened","previousStatus":"${base.status}"}`
      events = [{ ...rest, type: 'session.resumed', data }, ...events.slice(1)]
    }
  }

  // A batch the page named itself, from its lease; else the engine names it, and a batch the page
  // did not stamp means it gave its lease up: what it never used is explained first (SeqLeases).
  const lease = base && batch.stamp ? leaseFor(base, batch.tab, batch.stamp.firstSeq, events.length) : undefined
  // Its lease closed before it came (a copy saved as the page closed, stored after the batch that
  // gave the lease up): it keeps its seqs all the same — they were handed out to it, never to
  // anyone else, and the page may have sent it itself. Named anew, it would be on a server twice.
  const stamp = base && batch.stamp && (lease || batch.stamp.firstSeq + events.length <= nextFreeSeq(base)) ? batch.stamp : undefined
  if (!stamp) {
    const at = events[0] ?? { ts: ctx.now, at: session.startedAt + session.lastT }
    const markers = (batch.unstored ?? []).map((range) => skipStamped(session, batch.tab, range, at.at, at.ts))
    if (!batch.keepsLeases) markers.push(...closeLeases(session, batch.closes ?? batch.tab, at.at, at.ts, batch.stampedTo))
    if (markers.length > 0) {
      const head = events[0]?.type === 'session.resumed' ? 1 : 0
      events = [...events.slice(0, head), ...markers, ...events.slice(head)]
    }
  }
  const times = stamp && stampedTimes(stamp, events.map((event) => event.at))

  const counters = session.counters
  const firstSeq = stamp ? stamp.firstSeq : nextFreeSeq(session)
  let note: Omit<SessionSealing, 'fromSeq' | 'contentKey'> | undefined
  if (fresh && (created || resumed)) {
    const { contentKey: _key, ...announced } = fresh
    session.sealing = [...(session.sealing ?? []), { ...fresh, fromSeq: firstSeq }]
    note = announced
  }
  const contentKey = session.sealing?.at(-1)?.contentKey
  const toSeal: EncodedBatch['toSeal'] = contentKey && { contentKey, pieces: [], events: [] }
  let seq = firstSeq - 1
  let t = session.lastT
  let text = ''
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    seq++
    t = times ? times[i]! : Math.max(t, Math.round((event.at - session.startedAt) * 10) / 10)
    let data = event.data
    if (i >= redactedAlready) {
      const redacted = ctx.redact(data)
      data = redacted.json
      counters.redactions += redacted.count
    }
    if (event.type === 'session.ended') data = withLastSeq(data, seq)
    // After redaction, which could take the wrapped key for a secret; last, so that it wins over
    // a `sealing` member the app put in its metadata (JSON readers keep the last duplicate).
    if (i === 0 && note) data = withMember(data, 'sealing', note)
    countEvent(counters, event.type, data)
    const status = event.type === 'session.paused' && data === PAGE_LEFT ? 'suspended' : STATUS_AFTER[event.type]
    if (status) session.status = status
    if (status === 'ended') session.endedAt = event.ts
    text += envelopeHead(stamp ? eventId(event.ts, batch.sessionId, seq) : ctx.makeId(event.ts), batch.sessionId, seq, event.ts, t, batch.tab, event.type)
    if (toSeal && !staysClear(event.type)) {
      toSeal.pieces.push(text)
      toSeal.events.push({ seq, type: event.type, data })
      text = ''
    } else text += data
    text += `${event.checkpoint ? ',"checkpoint":true' : ''}}\n`
  }
  toSeal?.pieces.push(text)
  const sealing = toSeal !== undefined && toSeal.events.length > 0
  // Sealed: `sealEncoded` makes the bytes and counts them.
  const raw = sealing ? new Uint8Array(0) : encoder.encode(toSeal ? toSeal.pieces.join('') : text)
  counters.events += events.length
  counters.redactions += batch.redactions ?? 0
  counters.bytes += raw.byteLength
  session.lastSeq = Math.max(session.lastSeq, seq)
  session.lastT = Math.max(session.lastT, t)
  if (lease) advanceLease(session, lease, seq)
  else if (session.nextSeq !== undefined) session.nextSeq = Math.max(session.nextSeq, seq + 1)
  session.updatedAt = ctx.now
  // The page's first block, in the same transaction: it holds it as soon as it hears the batch is stored.
  let grant: LeaseGrant | undefined
  if (batch.lease && session.status !== 'ended') {
    const leased = grantLease(session, batch.tab, batch.lease)
    session = leased.session
    grant = { from: leased.lease.from, to: leased.lease.to, startedAt: session.startedAt, lastT: session.lastT }
  }
  return {
    sessionId: batch.sessionId,
    base,
    session,
    firstSeq,
    lastSeq: seq,
    count: events.length,
    raw,
    toSeal: sealing ? toSeal : undefined,
    created,
    resumed,
    batchId: batch.batchId,
    lease: grant,
  }
}

/**
 * Inside the write transaction: the session as stored now (`current`) must still be the one the
 * batch was encoded against, else `StaleSessionError`. Fields others may change meanwhile (sync
 * progress) are taken from `current`.
 */
export function commitBatch(current: SessionRecord | undefined, encoded: EncodedBatch, bytes: Uint8Array, encrypted: boolean, now: number, raw = false): AppliedBatch {
  const base = encoded.base
  if (current === undefined ? base !== undefined : base === undefined || moved(current, base)) {
    throw new StaleSessionError(current)
  }
  const session: SessionRecord = { ...encoded.session, counters: { ...encoded.session.counters } }
  if (current?.syncedSeq !== undefined) session.syncedSeq = current.syncedSeq
  // Compaction shrinks stored chunks behind the encoder's back: count from the stored session.
  session.counters.storedBytes = (current?.counters.storedBytes ?? 0) + bytes.byteLength
  const chunk: StoredChunk = {
    sessionId: encoded.sessionId,
    firstSeq: encoded.firstSeq,
    lastSeq: encoded.lastSeq,
    count: encoded.count,
    size: bytes.byteLength,
    bytes: toArrayBuffer(bytes),
    rawBytes: encoded.raw.byteLength,
    createdAt: now,
    state: 'pending',
    attempts: 0,
    ...(encrypted && { encrypted: true }),
    ...(raw && { raw: true }),
    ...(encoded.batchId !== undefined && { batchId: encoded.batchId }),
  }
  // A lease closed with nothing left to explain: only the session changes.
  return { session, chunk: encoded.count > 0 ? chunk : undefined, created: encoded.created, resumed: encoded.resumed, ...(encoded.lease && { lease: encoded.lease }) }
}

/** Someone wrote to the session (events, or a lease) since `base` was read. */
export function moved(current: SessionRecord, base: SessionRecord): boolean {
  return current.lastSeq !== base.lastSeq || current.lastT !== base.lastT || current.nextSeq !== base.nextSeq || current.counters.events !== base.counters.events
}

function newSession(id: string, started: PendingEvent, now: number): SessionRecord {
  const metadata = JSON.parse(started.data) as SessionStartedData
  const session: SessionRecord = {
    id,
    status: 'active',
    startedAt: started.at,
    updatedAt: now,
    metadata,
    lastSeq: -1,
    lastT: 0,
    counters: emptyCounters(),
  }
  // Top-level copies of the fields sessions are filtered by.
  for (const key of ['userId', 'feature', 'label', 'agentId'] as const) if (typeof metadata[key] === 'string') session[key] = metadata[key]
  if (Array.isArray(metadata.tags)) session.tags = metadata.tags
  return session
}

function withLastSeq(data: string, seq: number): string {
  const rest = data.slice(1)
  return rest === '}' ? `{"lastSeq":${seq}}` : `{"lastSeq":${seq},${rest}`
}

const COUNTED = new Set(['provider.call.completed', 'provider.call.failed', 'tool.call.completed', 'error.raised', 'recorder.dropped'])

function countEvent(counters: SessionCounters, type: string, data: string): void {
  if (!COUNTED.has(type)) return
  let payload: Record<string, unknown>
  try {
    payload = JSON.parse(data) as Record<string, unknown>
  } catch {
    return
  }
  switch (type) {
    case 'provider.call.completed': {
      counters.calls++
      const usage = payload.usage as Record<string, unknown> | undefined
      counters.inputTokens += num(usage?.inputTokens)
      counters.outputTokens += num(usage?.outputTokens)
      counters.cachedTokens += num(usage?.cachedTokens)
      counters.reasoningTokens += num(usage?.reasoningTokens)
      counters.costUsd += num(payload.costUsd)
      break
    }
    case 'provider.call.failed':
      counters.calls++
      counters.errors++
      break
    case 'tool.call.completed':
      counters.toolCalls++
      if (payload.error !== undefined && payload.error !== null) counters.errors++
      break
    case 'error.raised':
      counters.errors++
      break
    case 'recorder.dropped':
      counters.dropped += num(payload.count)
      break
  }
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

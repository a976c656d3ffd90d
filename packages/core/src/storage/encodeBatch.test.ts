import { gunzipSync, gzipSync } from 'fflate'
import { describe, expect, test } from 'vitest'
import type { TapedeckEvent } from '../events/catalogue'
import type { PendingEvent } from '../events/serialize'
import { createUlid } from '../util/ulid'
import type { SessionRecord } from './schema'
import { StaleSessionError, commitBatch, encodeBatch, type EncodeContext, type IngestBatch } from './encodeBatch'

const START = 1_700_000_000_000

function context(redact: EncodeContext['redact'] = (json) => ({ json, count: 0 })): EncodeContext {
  const ulid = createUlid()
  return { now: START + 60_000, makeId: (ts) => ulid(ts), redact }
}

/** What the engine does, without the transaction: encode, gzip, commit against the same session. */
function applyBatch(current: SessionRecord | undefined, batch: IngestBatch, ctx: EncodeContext) {
  const encoded = encodeBatch(current, batch, ctx)
  return commitBatch(current, encoded, gzipSync(encoded.raw), false, ctx.now)
}

function event(type: string, data: object, offsetMs: number): PendingEvent {
  return { type, data: JSON.stringify(data), ts: Math.round(START + offsetMs), at: START + offsetMs }
}

function batch(events: PendingEvent[], sessionId = 's_1'): IngestBatch {
  return { sessionId, tab: 't_A', events }
}

function decode(bytes: ArrayBuffer): TapedeckEvent[] {
  const text = new TextDecoder().decode(gunzipSync(new Uint8Array(bytes)))
  expect(text.endsWith('\n')).toBe(true)
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as TapedeckEvent)
}

const started = (offset = 0) => event('session.started', { userId: 'u1', feature: 'chat', tags: ['a'] }, offset)

describe('encodeBatch + commitBatch', () => {
  test('creates the session and stores the batch as one gzip chunk with gapless seq from 0', () => {
    const { session, chunk, created } = applyBatch(
      undefined,
      batch([started(), event('message.created', { messageId: 'm1', role: 'user', content: 'hi' }, 12.34)]),
      context(),
    )
    expect(created).toBe(true)
    expect(session).toMatchObject({ id: 's_1', status: 'active', startedAt: START, lastSeq: 1, userId: 'u1', feature: 'chat', tags: ['a'] })
    expect(chunk).toMatchObject({ sessionId: 's_1', firstSeq: 0, lastSeq: 1, count: 2, state: 'pending' })
    const events = decode(chunk!.bytes)
    expect(events.map((e) => [e.seq, e.type, e.t])).toEqual([
      [0, 'session.started', 0],
      [1, 'message.created', 12.3],
    ])
    expect(events[1]).toMatchObject({ v: 1, sessionId: 's_1', tab: 't_A', ts: START + 12, data: { content: 'hi' } })
    expect(events[0]!.id < events[1]!.id).toBe(true)
    expect(session.counters.events).toBe(2)
    expect(session.counters.bytes).toBe(chunk!.rawBytes)
    expect(session.counters.storedBytes).toBe(chunk!.bytes.byteLength)
  })

  test('continues seq from the stored session and never lets t go back', () => {
    const first = applyBatch(undefined, batch([started(), event('x.a', {}, 500)]), context())
    // A second tab whose clock is behind: its events still get a t at or after the last one.
    const second = applyBatch(first.session, batch([event('x.b', {}, 100), event('x.c', {}, 900)]), context())
    const events = decode(second.chunk!.bytes)
    expect(events.map((e) => [e.seq, e.t])).toEqual([
      [2, 500],
      [3, 900],
    ])
    expect(second.session.lastSeq).toBe(3)
    expect(first.session.lastSeq).toBe(1) // the input record is not changed
  })

  test('turns session.started on an existing session into session.resumed', () => {
    const first = applyBatch(undefined, batch([started()]), context())
    const again = applyBatch({ ...first.session, status: 'interrupted' }, batch([started(2000)]), context())
    expect(again.resumed).toBe(true)
    expect(again.created).toBe(false)
    const [resumed] = decode(again.chunk!.bytes)
    expect(resumed).toMatchObject({ seq: 1, type: 'session.resumed', data: { reason: 'reopened', previousStatus: 'interrupted' } })
    expect(again.session.status).toBe('active')
    expect(again.session.startedAt).toBe(START)
  })

  test('writes lastSeq into session.ended and ends the session', () => {
    const first = applyBatch(undefined, batch([started(), event('x.a', {}, 1)]), context())
    const end = applyBatch(first.session, batch([event('x.b', {}, 2), event('session.ended', { reason: 'stopped' }, 3)]), context())
    const events = decode(end.chunk!.bytes)
    expect(events[1]).toMatchObject({ seq: 3, type: 'session.ended', data: { lastSeq: 3, reason: 'stopped' } })
    expect(end.session.status).toBe('ended')
    expect(end.session.endedAt).toBe(START + 3)
    const bare = applyBatch(first.session, batch([event('session.ended', {}, 3)]), context())
    expect(decode(bare.chunk!.bytes)[0]!.data).toEqual({ lastSeq: 2 })
  })

  test('tracks pause, resume and interruption in the status', () => {
    const first = applyBatch(undefined, batch([started(), event('session.paused', {}, 1)]), context())
    expect(first.session.status).toBe('paused')
    const interrupted = applyBatch(first.session, batch([event('session.interrupted', {}, 2)]), context())
    expect(interrupted.session.status).toBe('interrupted')
  })

  test('counts tokens, cost, calls, tool calls and errors', () => {
    const { session } = applyBatch(
      undefined,
      batch([
        started(),
        event('provider.call.completed', { callId: 'c1', model: 'm', usage: { inputTokens: 15, outputTokens: 25, cachedTokens: 5 }, costUsd: 0.0008 }, 1),
        event('provider.call.completed', { callId: 'c2', model: 'm', usage: { inputTokens: 10, outputTokens: 5, reasoningTokens: 3 }, costUsd: 0.0002 }, 2),
        event('provider.call.failed', { callId: 'c3', error: { message: 'overloaded', status: 529 } }, 3),
        event('tool.call.completed', { toolCallId: 't1', name: 'lookup', result: {} }, 4),
        event('tool.call.completed', { toolCallId: 't2', name: 'lookup', error: 'timeout' }, 5),
        event('error.raised', { message: 'boom' }, 6),
      ]),
      context(),
    )
    expect(session.counters).toMatchObject({
      inputTokens: 25,
      outputTokens: 30,
      cachedTokens: 5,
      reasoningTokens: 3,
      calls: 3,
      toolCalls: 2,
      errors: 3,
    })
    expect(session.counters.costUsd).toBeCloseTo(0.001, 10)
  })

  test('stores what the redactor returns and counts its replacements', () => {
    const redact: EncodeContext['redact'] = (json) =>
      json.includes('sk-') ? { json: json.replace(/sk-\w+/g, '[api_key]'), count: 1 } : { json, count: 0 }
    const { session, chunk } = applyBatch(undefined, batch([started(), event('x.a', { key: 'sk-secret123' }, 1)]), context(redact))
    expect(decode(chunk!.bytes)[1]!.data).toEqual({ key: '[api_key]' })
    expect(session.counters.redactions).toBe(1)
  })

  test('recreates a session that vanished under a recording tab, visibly', () => {
    const { session, chunk, created } = applyBatch(undefined, batch([event('x.a', {}, 5)]), context())
    expect(created).toBe(true)
    expect(decode(chunk!.bytes).map((e) => [e.seq, e.type, e.data])).toEqual([
      [0, 'session.started', { reason: 'recreated' }],
      [1, 'x.a', {}],
    ])
    expect(session.lastSeq).toBe(1)
  })

  test('marks checkpoints and counts drop reports', () => {
    const cp = { ...event('x.mark', {}, 1), checkpoint: true as const }
    const { session, chunk } = applyBatch(undefined, batch([started(), cp, event('recorder.dropped', { count: 7, reason: 'quota_exceeded' }, 2)]), context())
    const events = decode(chunk!.bytes)
    expect(events[1]!.checkpoint).toBe(true)
    expect(events[0]!.checkpoint).toBeUndefined()
    expect(session.counters.dropped).toBe(7)
  })

  test('a commit against a session that moved since encoding is refused, so no seq is taken twice', () => {
    const first = applyBatch(undefined, batch([started(), event('x.a', {}, 1)]), context())
    const mine = encodeBatch(first.session, batch([event('x.mine', {}, 2)]), context())
    // Another tab stored a batch in between.
    const theirs = applyBatch(first.session, batch([event('x.theirs', {}, 2)]), context())
    expect(() => commitBatch(theirs.session, mine, gzipSync(mine.raw), false, START)).toThrow(StaleSessionError)
    // Encoded again against what is stored now, it follows the other tab's seqs.
    const again = encodeBatch(theirs.session, batch([event('x.mine', {}, 2)]), context())
    const stored = commitBatch(theirs.session, again, gzipSync(again.raw), false, START)
    expect(decode(stored.chunk!.bytes).map((e) => [e.seq, e.type])).toEqual([[3, 'x.mine']])
    // A session erased meanwhile, or created meanwhile, is stale too.
    expect(() => commitBatch(undefined, mine, gzipSync(mine.raw), false, START)).toThrow(StaleSessionError)
    const fresh = encodeBatch(undefined, batch([started()], 's_2'), context())
    expect(() => commitBatch(first.session, fresh, gzipSync(fresh.raw), false, START)).toThrow(StaleSessionError)
  })

  test('a commit keeps the sync progress stored meanwhile and counts the stored bytes', () => {
    const first = applyBatch(undefined, batch([started()]), context())
    const encoded = encodeBatch(first.session, batch([event('x.a', {}, 1)]), context())
    const bytes = gzipSync(encoded.raw)
    const { session, chunk } = commitBatch({ ...first.session, syncedSeq: 0 }, encoded, bytes, true, START)
    expect(session.syncedSeq).toBe(0)
    expect(chunk).toMatchObject({ encrypted: true, size: bytes.byteLength, rawBytes: encoded.raw.byteLength })
    expect(session.counters.storedBytes).toBe(first.session.counters.storedBytes + bytes.byteLength)
  })

  test("the session record's metadata is kept redacted, like the session.started event", () => {
    const redact = (json: string) => (json.includes('jane@example.com') ? { json: json.replaceAll('jane@example.com', '[email]'), count: 1 } : { json, count: 0 })
    const { session, chunk } = applyBatch(undefined, batch([event('session.started', { label: 'jane@example.com' }, 0)]), context(redact))
    expect(session.metadata).toMatchObject({ label: '[email]' })
    expect(session.label).toBe('[email]')
    expect(decode(chunk!.bytes)[0]!.data).toMatchObject({ label: '[email]' })
    expect(session.counters.redactions).toBe(1)
  })
})

import { gunzipSync, gzipSync } from 'fflate'
import { describe, expect, test } from 'vitest'
import type { TapedeckEvent } from '../events/catalogue'
import type { PendingEvent } from '../events/serialize'
import { commitBatch, encodeBatch, type EncodeContext, type IngestBatch } from '../storage/encodeBatch'
import type { SessionRecord } from '../storage/schema'
import { createUlid } from '../util/ulid'
import { eventId } from '../util/eventId'
import { grantLease, nextFreeSeq } from './SeqLeases'

const START = 1_700_000_000_000

function context(): EncodeContext {
  const ulid = createUlid()
  return { now: START + 60_000, makeId: (ts) => ulid(ts), redact: (json) => ({ json, count: 0 }) }
}

function event(type: string, data: object, offsetMs: number): PendingEvent {
  return { type, data: JSON.stringify(data), ts: Math.round(START + offsetMs), at: START + offsetMs }
}

function store(current: SessionRecord | undefined, batch: IngestBatch) {
  const encoded = encodeBatch(current, batch, context())
  const applied = commitBatch(current, encoded, gzipSync(encoded.raw), false, START)
  const events = applied.chunk ? (new TextDecoder().decode(gunzipSync(new Uint8Array(applied.chunk.bytes))).trimEnd().split('\n').map((line) => JSON.parse(line)) as TapedeckEvent[]) : []
  return { session: applied.session, events }
}

const steps = (from: number, count: number) => Array.from({ length: count }, (_, i) => event('x.step', { i: from + i }, 10 + from + i))

describe('seq leases', () => {
  test('two tabs get disjoint blocks, and the seqs the engine names come after both', () => {
    let { session } = store(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0)] })
    const a = grantLease(session, 't_A', 100)
    const b = grantLease(a.session, 't_B', 100)
    session = b.session
    expect([a.lease.from, a.lease.to]).toEqual([1, 100])
    expect([b.lease.from, b.lease.to]).toEqual([101, 200])
    expect(nextFreeSeq(session)).toBe(201)
    const named = store(session, { sessionId: 's_1', tab: 't_C', events: steps(0, 2) })
    expect(named.events.map((e) => e.seq)).toEqual([201, 202])
  })

  test('a stamped batch keeps the page\'s seqs, ids and t, even below the session\'s last seq', () => {
    let { session } = store(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0)] })
    const a = grantLease(session, 't_A', 100)
    session = grantLease(a.session, 't_B', 100).session
    const fromB = store(session, { sessionId: 's_1', tab: 't_B', events: steps(0, 3), stamp: { firstSeq: 101, tFloor: 0, startedAt: START } })
    const fromA = store(fromB.session, { sessionId: 's_1', tab: 't_A', events: steps(3, 3), stamp: { firstSeq: 1, tFloor: 5, startedAt: START } })
    expect(fromA.events.map((e) => e.seq)).toEqual([1, 2, 3])
    expect(fromA.events.map((e) => e.id)).toEqual(fromA.events.map((e) => eventId(e.ts, 's_1', e.seq)))
    expect(fromA.events.map((e) => e.t)).toEqual([13, 14, 15])
    expect(fromA.session.lastSeq).toBe(103)
    expect(fromA.session.leases?.find((lease) => lease.tab === 't_A')?.next).toBe(4)
  })

  test('a batch the page did not stamp closes its lease: seq.skipped explains the unused rest, and session.ended stays last', () => {
    let { session } = store(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0)] })
    session = grantLease(session, 't_A', 100).session
    session = store(session, { sessionId: 's_1', tab: 't_A', events: steps(0, 10), stamp: { firstSeq: 1, tFloor: 0, startedAt: START } }).session
    const ended = store(session, { sessionId: 's_1', tab: 't_A', events: [event('session.ended', { reason: 'stopped' }, 50)] })
    expect(ended.events.map((e) => [e.seq, e.type])).toEqual([
      [101, 'seq.skipped'],
      [102, 'session.ended'],
    ])
    expect(ended.events[0]!.data).toEqual({ from: 11, to: 100, reason: 'lease_unused' })
    expect(ended.session.leases).toBeUndefined()
  })

  test('a stamped batch that comes after its lease was closed keeps the seqs the page gave it (the page may have sent it itself)', () => {
    let { session } = store(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0)] })
    session = grantLease(session, 't_A', 100).session
    session = store(session, { sessionId: 's_1', tab: 't_A', events: steps(0, 10), stamp: { firstSeq: 1, tFloor: 0, startedAt: START } }).session
    // The page stamped 11–14 too, and gave its lease up before that batch was stored.
    session = store(session, { sessionId: 's_1', tab: 't_A', events: [event('session.paused', {}, 50)], stampedTo: 15 }).session
    const late = store(session, { sessionId: 's_1', tab: 't_A', events: steps(10, 4), stamp: { firstSeq: 11, tFloor: 20, startedAt: START } })
    expect(late.events.map((e) => e.seq)).toEqual([11, 12, 13, 14])
    expect(late.events.map((e) => e.id)).toEqual(late.events.map((e) => eventId(e.ts, 's_1', e.seq)))
    // Seqs nobody was handed are still named by the engine.
    const unleased = store(late.session, { sessionId: 's_1', tab: 't_A', events: steps(20, 1), stamp: { firstSeq: 500, tFloor: 0, startedAt: START } })
    expect(unleased.events.map((e) => e.seq)).toEqual([nextFreeSeq(late.session)])
  })

  test('a batch that opens the session and asks for a block gets it in its own write, after its seqs; one that ends it gets none', () => {
    const opened = encodeBatch(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0), ...steps(0, 2)], lease: 100 }, context())
    expect(opened.lease).toMatchObject({ from: 3, to: 102, startedAt: START })
    expect(opened.session.leases).toEqual([{ tab: 't_A', from: 3, to: 102, next: 3 }])
    expect(nextFreeSeq(opened.session)).toBe(103)
    const { session } = store(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0)] })
    expect(encodeBatch(session, { sessionId: 's_1', tab: 't_A', events: [event('session.ended', {}, 5)], lease: 100 }, context()).lease).toBeUndefined()
  })

  test('recovery closes a lease of a page that is gone, with nothing but the marker', () => {
    let { session } = store(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0)] })
    session = grantLease(session, 't_A', 100).session
    const closed = store(session, { sessionId: 's_1', tab: 'recovery', events: [], closes: 't_A' })
    expect(closed.events.map((e) => [e.seq, e.type, e.data])).toEqual([[101, 'seq.skipped', { from: 1, to: 100, reason: 'lease_unused' }]])
  })
})

describe('giving a lease back', () => {
  test('a page that gives up a block nobody went past, with all it stamped stored, leaves no gap and no marker', () => {
    let { session } = store(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0)] })
    session = grantLease(session, 't_A', 100).session
    session = store(session, { sessionId: 's_1', tab: 't_A', events: steps(0, 10), stamp: { firstSeq: 1, tFloor: 0, startedAt: START } }).session
    const ended = store(session, { sessionId: 's_1', tab: 't_A', events: [event('session.ended', {}, 50)], stampedTo: 11 })
    expect(ended.events.map((e) => [e.seq, e.type])).toEqual([[11, 'session.ended']])
  })

  test('not when the page stamped more than is stored (its copy may be on a server): the rest is explained', () => {
    let { session } = store(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0)] })
    session = grantLease(session, 't_A', 100).session
    session = store(session, { sessionId: 's_1', tab: 't_A', events: steps(0, 10), stamp: { firstSeq: 1, tFloor: 0, startedAt: START } }).session
    const ended = store(session, { sessionId: 's_1', tab: 't_A', events: [event('session.ended', {}, 50)], stampedTo: 15 })
    expect(ended.events.map((e) => [e.seq, e.type])).toEqual([
      [101, 'seq.skipped'],
      [102, 'session.ended'],
    ])
  })

  test('nor does a next block the page asked for and never used, handed out right after the one it stamped from', () => {
    let { session } = store(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0)] })
    session = grantLease(session, 't_A', 100).session
    session = store(session, { sessionId: 's_1', tab: 't_A', events: steps(0, 10), stamp: { firstSeq: 1, tFloor: 0, startedAt: START } }).session
    session = grantLease(session, 't_A', 200).session
    const ended = store(session, { sessionId: 's_1', tab: 't_A', events: [event('session.ended', {}, 50)], stampedTo: 11 })
    expect(ended.events.map((e) => [e.seq, e.type])).toEqual([[11, 'session.ended']])
    expect(ended.session.leases).toBeUndefined()
  })

  test('but another tab\'s block after it keeps the rest explained', () => {
    let { session } = store(undefined, { sessionId: 's_1', tab: 't_A', events: [event('session.started', {}, 0)] })
    session = grantLease(session, 't_A', 100).session
    session = store(session, { sessionId: 's_1', tab: 't_A', events: steps(0, 10), stamp: { firstSeq: 1, tFloor: 0, startedAt: START } }).session
    session = grantLease(session, 't_B', 100).session
    session = grantLease(session, 't_A', 100).session
    const ended = store(session, { sessionId: 's_1', tab: 't_A', events: [event('session.ended', {}, 50)], stampedTo: 11 })
    expect(ended.events.map((e) => [e.seq, e.type, e.data])).toEqual([
      [301, 'seq.skipped', { from: 11, to: 100, reason: 'lease_unused' }],
      [302, 'seq.skipped', { from: 201, to: 300, reason: 'lease_unused' }],
      [303, 'session.ended', { lastSeq: 303 }],
    ])
  })
})

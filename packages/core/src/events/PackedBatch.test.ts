import { describe, expect, test } from 'vitest'
import { BatchBuilder, type PackedBatch } from './PackedBatch'
import { unpackBatch } from './unpackBatch'

describe('PackedBatch', () => {
  test('round-trips events, payloads with escaped newlines and checkpoints', () => {
    const builder = new BatchBuilder()
    builder.push('session.started', '{"userId":"u1"}', 1000, 1000.25)
    builder.push('message.created', JSON.stringify({ content: 'two\nlines — ünïcödé' }), 1001, 1001.5, true)
    builder.push('x.a', '{}', 1002, 1002.75)
    expect(builder.length).toBe(3)
    const packed = builder.take('s_1', 't_A', 't_A.1')
    expect(builder.length).toBe(0)
    expect(packed.types).toEqual(['session.started', 'message.created', 'x.a'])
    expect(packed.typeOf).toEqual(new Uint32Array([0, 1, 2]))
    expect(packed.ts).toEqual(new Float64Array([1000, 1001, 1002]))
    expect(unpackBatch(packed)).toEqual({
      sessionId: 's_1',
      tab: 't_A',
      batchId: 't_A.1',
      events: [
        { type: 'session.started', data: '{"userId":"u1"}', ts: 1000, at: 1000.25 },
        { type: 'message.created', data: '{"content":"two\\nlines — ünïcödé"}', ts: 1001, at: 1001.5, checkpoint: true },
        { type: 'x.a', data: '{}', ts: 1002, at: 1002.75 },
      ],
    })
  })

  test('keeps payloads beyond Latin-1 apart from the others, in order', () => {
    const builder = new BatchBuilder()
    const payloads = ['{"a":"plain"}', '{"a":"€12"}', '{"a":"café"}', '{"a":"it’s"}', '{"a":"😀"}', '{"a":"last"}']
    payloads.forEach((json, i) => builder.push('x.a', json, i, i))
    const packed = builder.take('s', 't', 'b')
    // "café" is Latin-1: it stays with the narrow ones.
    expect(packed.narrow).toBe('{"a":"plain"}\n{"a":"café"}\n{"a":"last"}')
    expect(packed.wide).toBe('{"a":"€12"}\n{"a":"it’s"}\n{"a":"😀"}')
    expect(packed.wideAt).toEqual([1, 3, 4])
    expect(unpackBatch(packed).events.map((event) => event.data)).toEqual(payloads)
  })

  test('a batch of only wide or only narrow payloads', () => {
    const builder = new BatchBuilder()
    builder.push('x.a', '{"a":"€"}', 1, 1)
    const wideOnly = builder.take('s', 't', 'b1')
    expect(wideOnly.narrow).toBe('')
    expect(unpackBatch(wideOnly).events.map((event) => event.data)).toEqual(['{"a":"€"}'])
    builder.push('x.a', '{}', 2, 2)
    const narrowOnly = builder.take('s', 't', 'b2')
    expect(narrowOnly.wide).toBe('')
    expect(unpackBatch(narrowOnly).events.map((event) => event.data)).toEqual(['{}'])
    expect(unpackBatch(builder.take('s', 't', 'b3')).events).toEqual([])
  })

  test('survives a structured clone, as it crosses to the worker', () => {
    const builder = new BatchBuilder()
    builder.push('x.a', '{"n":1}', 5, 5.5, true)
    const packed = structuredClone(builder.take('s', 't', 'b'))
    expect(unpackBatch(packed).events).toEqual([{ type: 'x.a', data: '{"n":1}', ts: 5, at: 5.5, checkpoint: true }])
  })

  test('a builder starts afresh after take(), and a taken batch does not change with it', () => {
    const builder = new BatchBuilder()
    builder.push('x.a', '{}', 1, 1, true)
    const first = builder.take('s', 't', 'b1')
    builder.push('x.b', '{}', 2, 2)
    expect(unpackBatch(builder.take('s', 't', 'b2')).events).toEqual([{ type: 'x.b', data: '{}', ts: 2, at: 2 }])
    expect(unpackBatch(first).events).toEqual([{ type: 'x.a', data: '{}', ts: 1, at: 1, checkpoint: true }])
  })

  test('grows past its first capacity without losing a time or a type', () => {
    const builder = new BatchBuilder()
    const count = 1000
    const typeOf = (i: number) => (i % 7 === 0 ? 'x.seven' : i % 3 === 0 ? 'x.three' : 'x.a')
    for (let i = 0; i < count; i++) builder.push(typeOf(i), `{"i":${i}}`, 1_700_000_000_000 + i, 0.5 + i, i === 700)
    const packed = builder.take('s', 't', 'b')
    // Each type is sent once.
    expect(packed.types).toEqual(['x.seven', 'x.a', 'x.three'])
    const events = unpackBatch(packed).events
    expect(events).toHaveLength(count)
    expect(events.map((event) => event.ts - 1_700_000_000_000)).toEqual(Array.from({ length: count }, (_, i) => i))
    expect(events.map((event) => event.type)).toEqual(Array.from({ length: count }, (_, i) => typeOf(i)))
    expect(events[998]).toEqual({ type: 'x.a', data: '{"i":998}', ts: 1_700_000_000_998, at: 998.5 })
    expect(events.filter((event) => event.checkpoint).map((event) => event.data)).toEqual(['{"i":700}'])
  })

  test('a type seen in an earlier batch is named again in the next', () => {
    const builder = new BatchBuilder()
    builder.push('x.a', '{}', 1, 1)
    builder.take('s', 't', 'b1')
    builder.push('x.b', '{}', 2, 2)
    builder.push('x.a', '{}', 3, 3)
    const packed = builder.take('s', 't', 'b2')
    expect(packed.types).toEqual(['x.b', 'x.a'])
    expect(unpackBatch(packed).events.map((event) => event.type)).toEqual(['x.b', 'x.a'])
  })

  test('a malformed batch is refused', () => {
    const builder = new BatchBuilder()
    builder.push('x.a', '{}', 1, 1)
    const packed: PackedBatch = builder.take('s', 't', 'b')
    expect(() => unpackBatch({ ...packed, narrow: '{}\n{}' })).toThrow(/Malformed batch b: 1 types, 2 \+ 0 payloads, 1 times/)
    expect(() => unpackBatch({ ...packed, at: new Float64Array(0) })).toThrow(/Malformed batch b: 1 wall times, 0 monotonic times/)
    expect(() => unpackBatch({ ...packed, typeOf: new Uint32Array([1]) })).toThrow(/Malformed batch b: event 0 names type 1 of 1/)
    expect(() => unpackBatch({ ...packed, wide: '{}', wideAt: [3] })).toThrow(/Malformed batch b: no payload for event 0/)
  })
})

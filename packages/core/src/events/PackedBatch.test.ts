import { describe, expect, test } from 'vitest'
import { BatchBuilder, unpackBatch } from './PackedBatch'

describe('PackedBatch', () => {
  test('round-trips events, payloads with escaped newlines and checkpoints', () => {
    const builder = new BatchBuilder()
    builder.push('session.started', '{"userId":"u1"}', 1000, 1000.25)
    builder.push('message.created', JSON.stringify({ content: 'two\nlines' }), 1001, 1001.5, true)
    builder.push('x.a', '{}', 1002, 1002.75)
    expect(builder.length).toBe(3)
    const packed = builder.take('s_1', 't_A', 't_A.1')
    expect(builder.length).toBe(0)
    expect(packed.types.split('\n')).toHaveLength(3)
    expect(unpackBatch(packed)).toEqual({
      sessionId: 's_1',
      tab: 't_A',
      batchId: 't_A.1',
      events: [
        { type: 'session.started', data: '{"userId":"u1"}', ts: 1000, at: 1000.25 },
        { type: 'message.created', data: '{"content":"two\\nlines"}', ts: 1001, at: 1001.5, checkpoint: true },
        { type: 'x.a', data: '{}', ts: 1002, at: 1002.75 },
      ],
    })
  })

  test('a builder starts afresh after take()', () => {
    const builder = new BatchBuilder()
    builder.push('x.a', '{}', 1, 1, true)
    builder.take('s', 't', 'b1')
    builder.push('x.b', '{}', 2, 2)
    expect(unpackBatch(builder.take('s', 't', 'b2')).events).toEqual([{ type: 'x.b', data: '{}', ts: 2, at: 2 }])
  })

  test('a malformed batch is refused', () => {
    const packed = new BatchBuilder().take('s', 't', 'b')
    expect(() => unpackBatch({ ...packed, types: 'x.a\nx.b', data: '{}' })).toThrow(/Malformed batch b/)
  })
})

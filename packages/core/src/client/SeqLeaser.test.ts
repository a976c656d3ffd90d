import { describe, expect, test, vi } from 'vitest'
import { BatchBuilder } from '../events/PackedBatch'
import type { LeaseGrant } from '../engine/SeqLeases'
import { SeqLeaser } from './SeqLeaser'

let batches = 0
function batch(sessionId: string, ...types: string[]) {
  const builder = new BatchBuilder()
  types.forEach((type, i) => builder.push(type, '{}', 1_000 + i, 1_000 + i))
  return builder.take(sessionId, 't_A', `t_A.${++batches}`)
}

const grant = (from: number, to: number): LeaseGrant => ({ from, to, startedAt: 1_000, lastT: 0 })

describe('SeqLeaser', () => {
  test('stamps app batches from the first block, granted with the opening batch', () => {
    const request = vi.fn(async () => undefined)
    const leaser = new SeqLeaser(request)
    const opening = batch('s_1', 'session.started')
    expect(leaser.stamp(opening)).toBeUndefined()
    expect(opening.lease).toBe(4096)
    expect(opening.stamp).toBeUndefined()
    leaser.granted('s_1', grant(1, 4096))

    const app = batch('s_1', 'message.created', 'message.created')
    expect(leaser.stamp(app)).toBeUndefined()
    expect(app.stamp?.firstSeq).toBe(1)
    expect(leaser.stampedTo('s_1')).toBe(3)
    expect(request).not.toHaveBeenCalled()
  })

  test('a second opening batch let through by the first one\'s answer asks for no block while its own is on its way, and takes that one', () => {
    const request = vi.fn(async () => grant(9_000, 9_999))
    const leaser = new SeqLeaser(request)
    expect(leaser.stamp(batch('s_1', 'session.started'))).toBeUndefined()
    // Waits: the first block is on its way.
    const second = batch('s_1', 'session.started')
    const waiting = leaser.stamp(second)
    expect(waiting).toBeInstanceOf(Promise)

    // The first batch's answer comes back without a block: the second goes, asking for its own.
    leaser.stored('s_1')
    expect(second.lease).toBe(4096)
    expect(request).not.toHaveBeenCalled()

    leaser.granted('s_1', grant(5, 4100))
    const app = batch('s_1', 'message.created')
    expect(leaser.stamp(app)).toBeUndefined()
    expect(app.stamp?.firstSeq).toBe(5)
  })
})

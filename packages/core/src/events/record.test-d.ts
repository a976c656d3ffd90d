import { describe, expectTypeOf, test } from 'vitest'
import type { Recorder } from '../client/types'
import type { EventData, ProviderCallCompletedData, RecordableEventType } from './catalogue'

declare const recorder: Recorder

describe('record() is typed from the catalogue', () => {
  test('a catalogue type takes its own payload', () => {
    recorder.record('provider.call.completed', { callId: 'c1', model: 'gpt-4o-mini', usage: { inputTokens: 1, outputTokens: 2 }, costUsd: 0.1 })
    recorder.record('message.created', { messageId: 'm1', role: 'assistant', content: 'hi' })
    expectTypeOf<EventData<'provider.call.completed'>>().toEqualTypeOf<ProviderCallCompletedData>()
  })

  test('a wrong payload does not compile', () => {
    // @ts-expect-error -- callId and model are missing
    recorder.record('provider.call.completed', { wrong: 1 })
    // @ts-expect-error -- 'robot' is not a role
    recorder.record('message.created', { messageId: 'm1', role: 'robot' })
    // @ts-expect-error -- usage needs numbers
    recorder.record('provider.call.completed', { callId: 'c', model: 'm', usage: { inputTokens: '1', outputTokens: 2 } })
  })

  test('unknown and recorder-owned types do not compile; x.* types take any object', () => {
    // @ts-expect-error -- not in the catalogue
    recorder.record('message.create', {})
    // @ts-expect-error -- written by the recorder itself
    recorder.record('session.ended', { lastSeq: 1 })
    // @ts-expect-error -- written by the recorder itself
    recorder.record('recorder.dropped', { count: 1, reason: 'x' })
    recorder.record('x.checkout.step', { step: 2, items: [{ sku: 'a' }] })
    expectTypeOf<'x.anything'>().toMatchTypeOf<RecordableEventType>()
    expectTypeOf<'session.started'>().not.toMatchTypeOf<RecordableEventType>()
  })

  test('application types (interfaces) can be passed as payload values', () => {
    interface Order {
      id: string
      total: number
    }
    const order: Order = { id: 'o1', total: 3 }
    recorder.record('tool.call.completed', { toolCallId: 't1', name: 'lookupOrder', result: order })
    recorder.snapshot({ state: { order } })
  })
})

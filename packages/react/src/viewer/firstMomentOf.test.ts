import type { TapedeckEvent } from '@tapedeck/core'
import { describe, expect, test } from 'vitest'
import { firstMomentOf } from './firstMomentOf'

const at = (t: number, type: string, data: Record<string, unknown> = {}) => ({ t, type, data }) as unknown as TapedeckEvent

describe('firstMomentOf: where a replay opens', () => {
  test('at the first message when nothing was said before it', () => {
    expect(firstMomentOf([at(0, 'session.started'), at(900, 'user.action'), at(4000, 'message.created'), at(5000, 'message.created')])).toBe(4000)
  })

  test('at the start of the speech a voice message came from, so Play plays that voice', () => {
    const events = [
      at(0, 'session.started'),
      at(2100, 'audio.input', { startT: 1100, durationMs: 1000 }),
      at(2300, 'transcript.segment', { startT: 1200, endT: 2200 }),
      at(2400, 'message.created'),
    ]
    expect(firstMomentOf(events)).toBe(1100)
  })

  test('speech after the first message does not move it; without messages, speech, then a call, then 0', () => {
    expect(firstMomentOf([at(3000, 'message.created'), at(3500, 'audio.input', { startT: 3200 })])).toBe(3000)
    expect(firstMomentOf([at(700, 'provider.call.started'), at(900, 'transcript.segment', { startT: 800 })])).toBe(800)
    expect(firstMomentOf([at(0, 'session.started'), at(700, 'provider.call.started')])).toBe(700)
    expect(firstMomentOf([at(0, 'session.started')])).toBe(0)
  })
})

import { describe, expect, test } from 'vitest'
import { readRtcQuality } from './readRtcQuality'

const report = (lost: number, received: number, extra: Record<string, unknown>[] = []) => [
  { type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.0423 },
  { type: 'candidate-pair', state: 'failed', nominated: false, currentRoundTripTime: 9 },
  { type: 'inbound-rtp', kind: 'audio', jitter: 0.0031, packetsLost: lost, packetsReceived: received, audioLevel: 0.25 },
  { type: 'inbound-rtp', kind: 'video', jitter: 0.5, packetsLost: 1000, packetsReceived: 0 },
  ...extra,
]

describe('readRtcQuality', () => {
  test('round-trip time of the selected pair, audio jitter and level, in ms and 0..1', () => {
    expect(readRtcQuality(report(0, 100)).quality).toEqual({ roundTripTimeMs: 42.3, jitterMs: 3.1, packetLoss: 0, audioLevel: 0.25 })
  })

  test('packet loss over the interval since the previous report, not since the call began', () => {
    const first = readRtcQuality(report(10, 990))
    expect(first.quality.packetLoss).toBe(0.01)
    // 40 more lost of the next 100 expected.
    expect(readRtcQuality(report(50, 1050), first.counters).quality.packetLoss).toBe(0.4)
    // Nothing received since: no figure rather than a made-up one.
    expect(readRtcQuality(report(50, 1050), { lost: 50, received: 1050 }).quality.packetLoss).toBeUndefined()
  })

  test("without a selected pair, the remote side's round-trip time of our audio; an empty report gives no figures", () => {
    const [, , audio] = report(0, 10)
    expect(readRtcQuality([audio!, { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.08 }]).quality.roundTripTimeMs).toBe(80)
    expect(readRtcQuality([]).quality).toEqual({})
  })
})

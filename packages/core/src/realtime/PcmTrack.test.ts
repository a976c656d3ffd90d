import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { PcmTrack, type PcmPart } from './PcmTrack'

let clock = 0
const written: PcmPart[] = []
let ids = 0
const track = () => new PcmTrack({ now: () => clock, newBlobId: () => `b${++ids}`, write: async (part) => void written.push(part) })
/** `ms` of 1 kHz-rate audio: one byte pair per ms, so sizes read as durations. */
const pcm = (ms: number) => new Uint8Array(ms * 2)
const advance = async (ms: number) => {
  clock += ms
  await vi.advanceTimersByTimeAsync(ms)
}
const summary = () => written.map(({ blobId, part, startT, durationMs }) => [blobId, part, startT, durationMs])

beforeEach(() => {
  vi.useFakeTimers()
  clock = 0
  ids = 0
  written.length = 0
})
afterEach(() => vi.useRealTimers())

describe('PcmTrack', () => {
  test('pieces that follow on are one run cut in one-second parts; a pause of more than 100 ms starts a new run at its own time', async () => {
    const input = track()
    for (let i = 0; i < 15; i++) {
      await advance(100)
      input.add(pcm(100), 1000, clock - 100)
    }
    await advance(50) // 60 ms late: still the same run
    input.add(pcm(100), 1000, clock - 100 + 10)
    await advance(1000) // quiet: the tail of the run is written
    input.add(pcm(200), 1000, clock - 200) // after a pause: a new run where it starts
    await input.drain()
    expect(summary()).toEqual([
      ['b1', 0, 0, 1000],
      ['b1', 1, 1000, 600],
      ['b2', 0, 2350, 200], // sent at 2550
    ])
  })

  test('audio sent ahead is written only once heard; a cut drops what was never played; the next run starts after the audio before it', async () => {
    const output = track()
    output.add(pcm(3000), 1000, 0) // a 3 s answer, all at once
    await advance(999)
    expect(written).toEqual([])
    await advance(2)
    expect(summary()).toEqual([['b1', 0, 0, 1000]])
    await advance(499)
    output.cut(clock) // the user spoke over it at 1.5 s
    await advance(3000)
    expect(summary()).toEqual([['b1', 0, 0, 1000], ['b1', 1, 1000, 500]])
    output.add(pcm(400), 1000, clock) // the next answer
    output.end()
    output.add(pcm(400), 1000, clock) // and one sent while that one still plays: after it
    await advance(1000)
    expect(summary().slice(2)).toEqual([['b2', 0, 4500, 400], ['b3', 0, 4900, 400]])
  })

  test('a cut also drops an answer queued behind the one playing', async () => {
    const output = track()
    output.add(pcm(1000), 1000, 0)
    output.end()
    output.add(pcm(1000), 1000, 0) // queued: plays from 1000
    await advance(500)
    output.cut(clock)
    await advance(3000)
    await output.drain()
    expect(summary()).toEqual([['b1', 0, 0, 500]])
  })
})

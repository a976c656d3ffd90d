import { expect, test } from 'vitest'
import { computePeaks } from './computePeaks'

test('audio lands in the buckets of its session time; silence elsewhere', () => {
  // 1 s of audio at 1 kHz (1000 samples of 0.5) starting at 2 s, in a 4 s session cut into 4 buckets.
  const samples = new Float32Array(1000).fill(0.5)
  const peaks = computePeaks([{ startT: 2000, sampleRate: 1000, samples }], 4000, 4)
  expect([...peaks]).toEqual([0, 0, 0.5, 0])
})

test('the loudest sample of a bucket is its peak, negative ones included', () => {
  const samples = new Float32Array(100)
  samples[10] = -0.9
  samples[60] = 0.3
  const peaks = computePeaks([{ startT: 0, sampleRate: 1000, samples }], 100, 2)
  expect(peaks[0]).toBeCloseTo(0.9)
  expect(peaks[1]).toBeCloseTo(0.3)
})

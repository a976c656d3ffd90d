/** Where a decoded stretch of audio sits on the session's time: its samples (one channel) from `startT`. */
export interface PlacedAudio {
  startT: number
  sampleRate: number
  samples: Float32Array
}

/**
 * A waveform for the whole session: the loudest sample in each of `buckets` equal slices of
 * 0…duration (silence where no audio was recorded), so it lines up with the timeline above it.
 */
export function computePeaks(audio: readonly PlacedAudio[], duration: number, buckets: number): Float32Array {
  const peaks = new Float32Array(buckets)
  if (duration <= 0) return peaks
  const msPerBucket = duration / buckets
  for (const { startT, sampleRate, samples } of audio) {
    const samplesPerMs = sampleRate / 1000
    for (let b = Math.max(0, Math.floor(startT / msPerBucket)); b < buckets; b++) {
      const from = Math.floor((b * msPerBucket - startT) * samplesPerMs)
      const to = Math.floor(((b + 1) * msPerBucket - startT) * samplesPerMs)
      if (from >= samples.length) break
      let peak = peaks[b]!
      // At most 256 samples looked at per bucket: enough for a peak, fast for an hour of audio.
      const step = Math.max(1, Math.floor((to - from) / 256))
      for (let i = Math.max(0, from); i < Math.min(to, samples.length); i += step) {
        const value = Math.abs(samples[i]!)
        if (value > peak) peak = value
      }
      peaks[b] = peak
    }
  }
  return peaks
}

// WAV parts (realtime WebSocket audio, docs/realtime.md) each carry a header; a track's blob is
// played as one file, so the player joins them by their data. Decoded by Chromium.
import { expect, test } from 'vitest'
import { sineWav } from '../../../core/test/audio'
import { createBlobs } from './createBlobs'

test("a track's WAV parts are joined into one WAV that decodes to all of them, in order", async () => {
  // Three parts as the recorder stores them, each a WAV of its own, each its own tone.
  const bodies = [sineWav(200, 1, 24_000), sineWav(300, 1, 24_000), sineWav(400, 0.5, 24_000)]
  const blobs = createBlobs(
    bodies.map((_, part) => ({ blobId: 'a_1', part, mimeType: 'audio/wav', track: 'output', startT: 500 + part * 1000, durationMs: part === 2 ? 500 : 1000 })),
    async (info) => bodies[info.part],
  )
  const joined = await blobs.trackBlob('output', 'a_1')
  expect(joined!.type).toBe('audio/wav')
  const decode = async (blob: Blob) => (await new OfflineAudioContext(1, 1, 24_000).decodeAudioData(await blob.arrayBuffer())).getChannelData(0)
  const whole = await decode(joined!)
  expect(whole.length).toBe(60_000)
  let at = 0
  for (const body of bodies) {
    const own = await decode(body)
    expect(whole.subarray(at, at + own.length)).toEqual(own)
    at += own.length
  }
})

// WAV parts (realtime WebSocket audio, docs/realtime.md) each carry a header; a track's blob is
// played as one file, so the player joins them by their data. Decoded by Chromium.
import { expect, test } from 'vitest'
import { createBlobs } from './createBlobs'

/** One part as the recorder stores it: a 44-byte WAV header and PCM16 mono samples of `value`. */
function wavPart(samples: number, value: number, rate = 24_000): Blob {
  const view = new DataView(new ArrayBuffer(44 + samples * 2))
  const text = (at: number, value: string) => [...value].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)))
  text(0, 'RIFF')
  view.setUint32(4, 36 + samples * 2, true)
  text(8, 'WAVEfmt ')
  view.setUint32(16, 16, true)
  view.setUint16(20, 1, true)
  view.setUint16(22, 1, true)
  view.setUint32(24, rate, true)
  view.setUint32(28, rate * 2, true)
  view.setUint16(32, 2, true)
  view.setUint16(34, 16, true)
  text(36, 'data')
  view.setUint32(40, samples * 2, true)
  for (let i = 0; i < samples; i++) view.setInt16(44 + i * 2, value, true)
  return new Blob([view.buffer], { type: 'audio/wav' })
}

test("a track's WAV parts are joined into one WAV that decodes to all of them, in order", async () => {
  const bodies = [wavPart(24_000, 1000), wavPart(24_000, 2000), wavPart(12_000, 3000)]
  const blobs = createBlobs(
    bodies.map((_, part) => ({ blobId: 'a_1', part, mimeType: 'audio/wav', track: 'output', startT: 500 + part * 1000, durationMs: part === 2 ? 500 : 1000 })),
    async (info) => bodies[info.part],
  )
  const joined = await blobs.trackBlob('output', 'a_1')
  expect(joined!.type).toBe('audio/wav')
  const audio = await new OfflineAudioContext(1, 1, 24_000).decodeAudioData(await joined!.arrayBuffer())
  expect(audio.duration).toBeCloseTo(2.5, 3)
  const samples = audio.getChannelData(0)
  expect([samples[0], samples[24_000], samples[48_000], samples[59_999]].map((value) => Math.round(value! * 32768))).toEqual([1000, 2000, 3000, 3000])
})

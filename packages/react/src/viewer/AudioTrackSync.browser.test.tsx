// The replay viewer plays realtime WebSocket audio (WAV parts, docs/realtime.md) in step with the
// player's clock: the track's blob joined into one WAV, played from `position - blobStartT`.
import { afterEach, beforeAll, expect, test } from 'vitest'
import { clickToAllowAudio, sineWav } from '../../../core/test/audio'
import { loadRecording } from '@tapedeck/player'
import { eventList } from '../../test/events'
import { mountRoot, unmountRoots } from '../../test/helpers'
import { AudioTrackSync } from './AudioTrackSync'

beforeAll(clickToAllowAudio)
afterEach(unmountRoots)

test("an answer's WAV parts play as one file, from where the playhead is in it", async () => {
  // An answer of 2.5 s from t=1000, in three parts, as recordRealtime stores a socket's audio.
  const list = eventList('s_wav')
  list.add('session.started', {}, { t: 0 })
  const parts = [1000, 1000, 500]
  const bodies = parts.map((ms) => sineWav(220, ms / 1000, 24_000)) // each part a WAV of its own
  parts.forEach((durationMs, part) => list.add('audio.output', { blobId: 'a_1', part, mimeType: 'audio/wav', startT: 1000 + part * 1000, durationMs, bytes: bodies[part]!.size, sampleRate: 24_000 }, { t: 2000 + part * 1000 }))
  const sessions = {
    get: async () => ({ id: 's_wav' }),
    events: async () => list.events,
    blob: async (_: string, blobId: string, part = 0) => (blobId === 'a_1' ? bodies[part] : undefined),
  }
  const recording = await loadRecording({ recorder: { sessions }, sessionId: 's_wav' })
  const position = 2800 // 1.8 s into the answer, in its second part
  const active = { blobId: 'a_1', part: 1, mimeType: 'audio/wav', startT: 2000, durationMs: 1000, offsetMs: 800, blobStartT: 1000 }
  const container = mountRoot(<AudioTrackSync blobs={recording.blobs} track="output" active={active} position={position} playing rate={1} muted />)
  const audio = () => container.querySelector<HTMLAudioElement>('audio[data-track=output]')!
  await expect.poll(() => audio().readyState, { timeout: 5000 }).toBeGreaterThanOrEqual(HTMLMediaElement.HAVE_METADATA)
  // The whole answer, not its first part.
  expect(audio().duration).toBeCloseTo(2.5, 2)
  await expect.poll(() => [audio().paused, audio().currentTime > 1.8, container.textContent], { timeout: 5000 }).toEqual([false, true, ''])
  expect(audio().currentTime).toBeLessThan(2.5)
  expect(container.querySelector('[role=status]')).toBeNull()
})

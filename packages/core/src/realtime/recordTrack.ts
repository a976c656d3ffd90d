/**
 * Records one `MediaStreamTrack` as an audio stream of its own (its own blob, its own
 * `audio.input` / `audio.output` events carrying `tags`), with the TrackRecorder `recorder.audio`
 * uses but stored through the recorder's public `attach()` and `record()`: a call can have more
 * tracks than `recorder.audio`'s two. Needs audio consent; failures go to `safe`.
 */
import type { Recorder } from '../client/types'
import type { SafeRecorder } from '../instrument/safeRecorder'
import { TrackRecorder } from '../audio/TrackRecorder'
import { AUDIO_OFF } from '../audio/audioOff'
import type { AudioTrack, AudioTrackStatus } from '../audio/types'
import { createId } from '../util/ulid'
import { audioAllowed } from './audioAllowed'

export interface TrackRecording {
  /** Stops; resolves when the last slice is stored. */
  stop(): Promise<void>
  status(): AudioTrackStatus
}

export function recordTrack(
  recorder: Pick<Recorder, 'attach' | 'record' | 'getSnapshot'>,
  track: MediaStreamTrack,
  side: AudioTrack,
  tags: Record<string, unknown>,
  safe: SafeRecorder,
): TrackRecording {
  let status: AudioTrackStatus = AUDIO_OFF
  const recording = new TrackRecorder(
    side,
    {
      attach: (data, options) => recorder.attach(data, options),
      record: (type, data) => void safe.record(type, { ...data, ...tags }),
      sessionTime: () => {
        const startedAt = recorder.getSnapshot().session?.startedAt
        return typeof startedAt === 'number' ? performance.timeOrigin + performance.now() - startedAt : null
      },
      audioAllowed: () => audioAllowed(recorder),
      // A track that ended (the other side left, a transceiver stopped) is the stream's normal end in a call, not a failure.
      report: (error) => void (error.code === 'audio_failed' && track.readyState === 'ended' ? undefined : safe.fail(error)),
      newId: createId,
    },
    { MediaRecorder: globalThis.MediaRecorder },
    () => status,
    (next) => void (status = next),
  )
  recording.start(new MediaStream([track]), { track: side }).catch((error: unknown) => safe.fail(error))
  return { stop: () => recording.stop(), status: () => status }
}

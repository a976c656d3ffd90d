import { TapedeckError } from '../errors'
import { AUDIO_STATUS_OFF } from './audioOff'
import type { AudioApi, AudioSource, AudioStartOptions, AudioStatus, AudioTrack, AudioTrackStatus } from './types'
import { Store } from '../util/subscribable'
import type { AudioEnv, AudioHost } from './AudioHost'
import { TrackRecorder } from './TrackRecorder'

export interface AudioCapture extends AudioApi {
  subscribe(listener: () => void): () => void
  getSnapshot(): AudioStatus
  /** Stops every track and waits for their last slices (recorder stop, close, consent withdrawal). */
  stopAll(): Promise<void>
}

const TRACKS: readonly AudioTrack[] = ['input', 'output']

/**
 * Microphone and assistant audio, recorded with MediaRecorder in slices (1 s by default), each
 * slice stored durably through the recorder and then named by an `audio.input` / `audio.output`
 * event. Nothing here touches the page until `start()` is called.
 */
export function createAudioCapture(host: AudioHost, env: AudioEnv = {}): AudioCapture {
  const resolved = browserEnv(env)
  const status = new Store<AudioStatus>(AUDIO_STATUS_OFF)
  const tracks = {} as Record<AudioTrack, TrackRecorder>
  for (const track of TRACKS) {
    tracks[track] = new TrackRecorder(
      track,
      host,
      resolved,
      () => status.getSnapshot()[track],
      (next: AudioTrackStatus) => status.update({ [track]: next }),
    )
  }
  const each = (track: AudioTrack | undefined) => (track === undefined ? TRACKS : [checkTrack(track)]).map((name) => tracks[name])

  return {
    subscribe: status.subscribe,
    getSnapshot: status.getSnapshot,
    start: async (source: AudioSource, options: AudioStartOptions = {}) => tracks[checkTrack(options.track ?? 'input')].start(source, options),
    stop: async (track?: AudioTrack) => {
      await Promise.all(each(track).map((recorder) => recorder.stop()))
    },
    pause: (track?: AudioTrack) => each(track).forEach((recorder) => recorder.pause()),
    resume: (track?: AudioTrack) => each(track).forEach((recorder) => recorder.resume()),
    stopAll: async () => {
      await Promise.all(TRACKS.map((track) => tracks[track].stop()))
    },
  }
}

function checkTrack(track: AudioTrack): AudioTrack {
  if (track === 'input' || track === 'output') return track
  throw new TapedeckError('invalid_options', `An audio track is 'input' or 'output', got ${JSON.stringify(track)}.`)
}

/** Fills in what the test did not inject from the browser; a key given as undefined stays missing. */
function browserEnv(env: AudioEnv): AudioEnv {
  const g = globalThis as typeof globalThis & { webkitAudioContext?: new () => AudioContext }
  const mediaDevices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined
  return {
    MediaRecorder: 'MediaRecorder' in env ? env.MediaRecorder : g.MediaRecorder,
    getUserMedia:
      'getUserMedia' in env
        ? env.getUserMedia
        : typeof mediaDevices?.getUserMedia === 'function'
          ? (constraints) => mediaDevices.getUserMedia(constraints)
          : undefined,
    AudioContext: 'AudioContext' in env ? env.AudioContext : (g.AudioContext ?? g.webkitAudioContext),
  }
}

import { TapedeckError, type ErrorInfo } from '../errors'
import type { AudioPartData } from '../events/catalogue'
import { INITIAL_STATUS } from '../client/initialStatus'
import type { AudioApi, AudioSource, AudioStartOptions, AudioStatus, AudioTrack, AudioTrackStatus } from '../client/types'
import { Store } from '../util/subscribable'
import { TrackRecorder } from './TrackRecorder'

/** What audio capture needs from the recorder it belongs to. */
export interface AudioHost {
  /**
   * Stores one part durably (the buffer is transferred to the worker). Rejects with a
   * TapedeckError and does not report it: the capture reports it, once, naming the part.
   */
  attach(
    data: ArrayBuffer,
    options: { blobId: string; part: number; mimeType: string; track: AudioTrack; startT: number; durationMs: number },
  ): Promise<unknown>
  /** Records the `audio.input` / `audio.output` event of a stored part. */
  record(type: 'audio.input' | 'audio.output', data: AudioPartData): void
  /** Session time now (ms, the `t` of an event recorded now), or null with no session. */
  sessionTime(): number | null
  /** Audio consent given. */
  audioAllowed(): boolean
  /** Reports an error to the recorder's status and `onError`. */
  report(error: ErrorInfo): void
  newId(prefix: string): string
}

/** The browser's audio APIs, injectable for tests. A key that is present but undefined means "missing". */
export interface AudioEnv {
  MediaRecorder?: typeof MediaRecorder | undefined
  getUserMedia?: ((constraints: MediaStreamConstraints) => Promise<MediaStream>) | undefined
  AudioContext?: (new () => AudioContext) | undefined
}

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
  const status = new Store<AudioStatus>(INITIAL_STATUS.audio)
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

import type { ErrorInfo } from '../errors'
import type { AudioPartData } from '../events/catalogue'
import type { AudioTrack } from './types'

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

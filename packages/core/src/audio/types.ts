import type { ErrorInfo } from '../errors'

export type AudioTrack = 'input' | 'output'

/**
 * `denied`: the microphone was refused; `unsupported`: no MediaRecorder or no usable type;
 * `no-consent`: audio consent is missing; `error`: the recording failed (see `error`).
 */
export type AudioTrackState = 'off' | 'starting' | 'recording' | 'paused' | 'denied' | 'unsupported' | 'no-consent' | 'error'

export interface AudioTrackStatus {
  state: AudioTrackState
  mimeType: string | null
  /** The blob the parts of this track are stored under. */
  blobId: string | null
  /** Slices handed to storage, and slices stored. */
  parts: number
  durableParts: number
  /** Session time (`t`) the track started. */
  startT: number | null
  error: ErrorInfo | null
}

export interface AudioStatus {
  input: AudioTrackStatus
  output: AudioTrackStatus
}

export interface AudioStartOptions {
  /** `input` (the user, default) or `output` (the assistant). */
  track?: AudioTrack
  /** MediaRecorder timeslice. Default 1000. */
  timesliceMs?: number
  /** Preferred type; default the first of webm/opus, mp4/aac… that `MediaRecorder.isTypeSupported`. */
  mimeType?: string
}

/** `microphone` asks for it with `getUserMedia({ audio: true })`. */
export type AudioSource = MediaStream | HTMLMediaElement | 'microphone'

export interface AudioApi {
  /** Never throws for a refused microphone or a browser without MediaRecorder: resolves with a status that says so. */
  start(source: AudioSource, options?: AudioStartOptions): Promise<AudioTrackStatus>
  /** Stops the track (both when omitted); resolves when its last slice is durable. */
  stop(track?: AudioTrack): Promise<void>
  pause(track?: AudioTrack): void
  resume(track?: AudioTrack): void
}

import type { AudioStatus, AudioTrackStatus } from './types'

/** An audio track that is not recording. */
export const AUDIO_OFF: AudioTrackStatus = Object.freeze({
  state: 'off',
  mimeType: null,
  blobId: null,
  parts: 0,
  durableParts: 0,
  startT: null,
  error: null,
})

/** Both tracks off: the audio status of a recorder before any recording. */
export const AUDIO_STATUS_OFF: AudioStatus = Object.freeze({ input: AUDIO_OFF, output: AUDIO_OFF })

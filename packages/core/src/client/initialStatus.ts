import type { AudioTrackStatus, RecorderStatus } from './types'

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

/**
 * What a recorder reports before it has started. One frozen object: the first snapshot of every
 * recorder, and what React bindings show on the server and during hydration.
 */
export const INITIAL_STATUS: RecorderStatus = Object.freeze({
  state: 'idle',
  ready: false,
  engine: null,
  storage: null,
  durable: false,
  session: null,
  counts: Object.freeze({ accepted: 0, durable: 0, pending: 0, dropped: 0, rejected: 0 }),
  lastSeq: null,
  recovered: Object.freeze([]) as unknown as string[],
  sync: null,
  error: null,
  errors: Object.freeze([]) as unknown as RecorderStatus['errors'],
  consent: Object.freeze({ mode: 'none', state: 'not-required', scopes: Object.freeze({ content: true, actions: true, audio: false }) }),
  audio: Object.freeze({ input: AUDIO_OFF, output: AUDIO_OFF }),
  withheld: 0,
})

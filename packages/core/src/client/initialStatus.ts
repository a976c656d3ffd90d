import { AUDIO_OFF, AUDIO_STATUS_OFF } from '../audio/audioOff'
import type { RecorderStatus } from './types'

export { AUDIO_OFF }

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
  audio: AUDIO_STATUS_OFF,
  withheld: 0,
})

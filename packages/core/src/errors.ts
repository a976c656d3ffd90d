/**
 * Every error Tapedeck throws or reports carries a stable `code`: match on the code, not on the
 * message. Messages say what happened and what to do about it.
 */
export type TapedeckErrorCode =
  /** `record()` was called with a type that is neither in the v1 catalogue nor `x.*`. */
  | 'invalid_event_type'
  /** The type is owned by the recorder (`session.*`, `recorder.dropped`): use start/stop/pause. */
  | 'reserved_event_type'
  /** `data` is not a plain object. */
  | 'invalid_event_data'
  /** `data` holds something JSON cannot carry: a function, a cycle, a BigInt, a DOM node, a Map… */
  | 'not_serializable'
  /** The event is larger than `maxEventBytes`. */
  | 'event_too_large'
  /** An attachment is larger than `maxBlobBytes`, or not binary data. */
  | 'invalid_blob'
  /** `record()` was called with no session started. */
  | 'no_active_session'
  /** `start()` was called while a session is already being recorded. */
  | 'session_active'
  /** The session id does not exist (or has the wrong form). */
  | 'session_not_found'
  | 'invalid_session_id'
  /** A recorder option has a wrong value. */
  | 'invalid_options'
  /** A redaction pattern or path cannot be used. */
  | 'invalid_redaction_rule'
  /** IndexedDB could not be opened or used: the recorder runs in memory, not durably. */
  | 'storage_unavailable'
  /** The browser refused to store more: sent data was evicted and events were dropped. */
  | 'quota_exceeded'
  /** A write failed for another reason; the events of that batch are reported as dropped. */
  | 'storage_failed'
  /** The worker could not be started; the recorder runs on the main thread. */
  | 'worker_unavailable'
  /** The recorder was closed. */
  | 'recorder_closed'
  /** An upload failed for now (network, 429, 5xx…); it is retried with backoff. */
  | 'sync_failed'
  /** The backend refused a batch for good (400, 415, 422, or 413 for one chunk): it is in the dead letters. */
  | 'batch_rejected'
  /** Consent is required and was not given (or was withdrawn) for what was asked. */
  | 'consent_required'
  /** No MediaRecorder, or none of the audio types it can record; or no Web Audio to decode (`toWav` outside a browser). */
  | 'audio_unsupported'
  /** The microphone was refused (permission, policy, or no device). */
  | 'audio_denied'
  /** Recording an audio track failed after it started. */
  | 'audio_failed'
  /** The player was given something that is not a recording (unparseable, not events, several sessions). */
  | 'invalid_recording'
  /** The player could not read a recording from a server (its answer, or no answer). */
  | 'load_failed'
  /** An attachment part the recording's source does not have. */
  | 'blob_not_found'
  /** The backend keeps the session under a legal hold: it was not erased there (HTTP 423). */
  | 'session_held'
  /** Encryption (at rest, or `encryptForServer`) could not be set up, or stored or sealed data could not be decrypted (a wrong key, damaged data). */
  | 'encryption_failed'
  /** The recording is sealed for a backend's private key (`encryptForServer`), and no key that opens it was given. */
  | 'sealed'
  /** The backend answered 401/403: sync waits for a new token (`getToken`) or `syncNow()`. */
  | 'sync_unauthorized'

export class TapedeckError extends Error {
  override readonly name = 'TapedeckError'
  readonly code: TapedeckErrorCode

  constructor(code: TapedeckErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

export function isTapedeckError(error: unknown): error is TapedeckError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && error.name === 'TapedeckError'
}

/** A plain, cloneable description of an error: what crosses the worker boundary and lands in status. */
export interface ErrorInfo {
  code: TapedeckErrorCode
  message: string
  at: number
  /** What went wrong underneath (a payload's getter that threw, say). Only on the page: never sent to the worker. */
  cause?: unknown
}

export function toErrorInfo(error: unknown, fallback: TapedeckErrorCode, at = Date.now()): ErrorInfo {
  if (isTapedeckError(error)) return { code: error.code, message: error.message, at }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return { code: fallback, message, at }
}

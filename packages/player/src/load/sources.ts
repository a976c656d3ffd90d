import type { TapedeckEvent } from '@tapedeck/core'
import type { Annotation } from '../annotations/Annotation'
import type { Recording } from '../recording/Recording'
import type { SealingPrivateKey } from '../seal/openSealed'

/**
 * The part of a recorder `loadRecording` reads (core's `SessionsApi`): any object with these
 * methods works, so a recording can come from a test double or another store too.
 */
export interface RecorderSessionsLike {
  get(id: string): Promise<unknown>
  events(id: string, options?: { fromSeq?: number; limit?: number }): Promise<TapedeckEvent[]>
  blobs?(id: string): Promise<ReadonlyArray<{ blobId: string; part: number; mimeType: string; track?: string; startT?: number; durationMs?: number; size?: number }>>
  blob?(id: string, blobId: string, part?: number): Promise<Blob | undefined>
}

/** A session in the local store: `{ recorder, sessionId }` (a `createRecorder()` recorder). */
export interface RecorderSource {
  recorder: { sessions: RecorderSessionsLike }
  sessionId: string
}

/** A session on a server that speaks docs/protocol.md §4 (the reference server does). */
export interface ServerSource {
  /** The base URL: `{endpoint}/v1/sessions/{sessionId}`… */
  endpoint: string
  sessionId: string
  headers?: Record<string, string>
  /** A read key, sent as `Authorization: Bearer …`; a function is called once per request. */
  token?: string | (() => string | null | undefined | Promise<string | null | undefined>)
  /** Default `globalThis.fetch`. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>
}

/**
 * Everything `loadRecording` reads:
 * - `{ recorder, sessionId }`: the browser's local store;
 * - `{ endpoint, sessionId, headers?, token? }`: a server (docs/protocol.md §4);
 * - text, a Blob, an ArrayBuffer or bytes holding an export: Tapedeck NDJSON (optionally gzip,
 *   as `sessions.export(id, 'jsonl.gz')` gives it), a PromptKit JSONL or JSON recording
 *   (`toJsonl`), or a zip (`toZip`, or the server's `?format=zip`);
 * - an array of events.
 */
export type RecordingSource = RecorderSource | ServerSource | string | Blob | ArrayBuffer | ArrayBufferView | readonly unknown[]

export interface LoadOptions {
  /** Which session to keep when the input holds several (required then). */
  sessionId?: string
  /** External annotations to start with (added to those an export carries). */
  annotations?: readonly Annotation[]
  /** Events read per request from a recorder. Default 5000. */
  pageSize?: number
  /** Cancels a load from a recorder or a server. */
  signal?: AbortSignal
  /**
   * From a server: called once with a recording of the first `firstPageEvents` events as soon
   * as they have arrived (not called for a session with fewer), so a viewer can show the session
   * before the rest has loaded; the promise still resolves with the whole recording.
   */
  onFirstPage?: (recording: Recording) => void
  /** Events in that first page. Default 1000 (one page of the reference server's reads). */
  firstPageEvents?: number
  /**
   * Opens a recording sealed with `encryptForServer` (from a server, an export): the private JWK
   * `createSealingKeys()` gave, or a CryptoKey. Without it a sealed recording throws `sealed`.
   * Not needed for the recorder's own store, which opens its sessions itself.
   */
  privateKey?: SealingPrivateKey
}

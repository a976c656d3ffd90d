import type { ErrorInfo } from '../errors'
import type { AudioApi, AudioStatus } from '../audio/types'
import type {
  AnnotationAddedData,
  EventData,
  JsonObject,
  RecordableEventType,
  SessionMetadata,
  TapedeckEvent,
} from '../events/catalogue'
import type { ExportFormat, SessionPage, SessionQuery, StorageKind } from '../engine/protocol'
import type { RedactOptions } from '../redact'
import type { SyncStatus } from '../sync/syncStatus'
import type { Transport } from '../sync/Transport'
import type { OtlpOptions } from '../sync/otlp/createOtlpTransport'
import type { BlobRecord, ChunkRecord } from '../storage/schema'
import type { CompressionLevel } from '../storage/encodeBatch'
import type { SessionRecord } from '../storage/schema'
import type { Clock } from '../util/clock'
import type { PageLifecycle } from './pageLifecycle'
import type { CaptureOptions } from '../capture/captureOptions'
import type { ConsentApi, ConsentMode, ConsentOptions, ConsentStatus } from './consentTypes'

export type { ConsentApi, ConsentMode, ConsentOptions, ConsentScopes, ConsentState, ConsentStatus } from './consentTypes'

/** Sampling, on-error mode, autoCapture and trace propagation are in {@link CaptureOptions} (docs/capture.md). */
export interface RecorderOptions extends CaptureOptions {
  /** IndexedDB database name. Default `tapedeck`. */
  dbName?: string
  /** `memory` keeps nothing across reloads (tests, kiosks). Default `indexeddb`. */
  storage?: StorageKind
  /** The page hands buffered events to the worker at least this often. Default 50. */
  flushIntervalMs?: number
  /** …or as soon as this many are buffered. Default 256. */
  maxBatchEvents?: number
  /** Largest payload `record()` accepts, in characters of JSON. Default 262144 (256 KiB). */
  maxEventBytes?: number
  /** gzip level of stored chunks, 0–9. Default 1. */
  compressionLevel?: CompressionLevel
  /** Extra redaction rules; credentials are always removed. */
  redact?: RedactOptions
  /** `false` runs the pipeline on the main thread. Default true. */
  useWorker?: boolean
  /** A self-hosted worker file (`@tapedeck/core/worker`), for pages whose CSP forbids `blob:` workers. */
  workerUrl?: string | URL
  /** Makes the worker yourself; wins over `workerUrl`. */
  createWorker?: () => Worker
  /** How long to wait for the worker before running on the main thread. Default 10000. */
  workerReadyTimeoutMs?: number
  /**
   * A worker that has not answered for this long while batches wait, and then does not answer a
   * ping, is replaced by the main-thread engine. Default 20000.
   */
  workerWatchdogMs?: number
  /** Largest attachment part `attach()` takes. Default 16777216 (16 MiB). */
  maxBlobBytes?: number
  /** Called with every error the recorder reports (also visible in `getSnapshot().errors`). */
  onError?: (error: ErrorInfo) => void
  /**
   * Capture calls (`record`, `snapshot`, `annotate`, `transcript`, `recordInteraction`, audio and
   * consent) never throw into the page: they report. `true` makes each such report a thrown
   * `TapedeckError` instead (for tests and development). Default false.
   */
  strict?: boolean
  /**
   * Tells the console once per error code what went wrong and what to do. Default: on in
   * development builds (the bundler's `NODE_ENV` is not `production`), off otherwise.
   */
  debug?: boolean
  /**
   * Asks the browser once, when IndexedDB opens, to keep the recorder's data under storage
   * pressure (`navigator.storage.persist()`); the answer is `status.persisted`. Default false.
   */
  persist?: boolean
  /** Injectable environment, for tests. */
  clock?: Clock
  lifecycle?: PageLifecycle

  // — sync (docs/protocol.md) —

  /** The backend's base URL: batches go to `{endpoint}/v1/batches`. Sync is on when this or a transport function is given. */
  endpoint?: string
  /** Headers sent with every upload. */
  headers?: Record<string, string>
  /** Called on the page for a bearer token, at start and again after a 401/403. */
  getToken?: () => string | undefined | null | Promise<string | undefined | null>
  /** Largest upload, in compressed bytes (a single larger chunk still goes alone). Default 524288. */
  maxBatchBytes?: number
  /** `manual`: nothing is uploaded until `syncNow()`. Default `auto`. */
  sync?: 'auto' | 'manual'
  /** `http` (docs/protocol.md, the default), `otlp` (OpenTelemetry traces), or your own function. */
  transport?: 'http' | 'otlp' | Transport
  /**
   * With `transport: 'otlp'` (docs/otlp.md): `resource` attributes (`service.name` defaults to
   * `tapedeck`), `includeContent` (prompts, responses, tool arguments; default false) and
   * `metrics` (the GenAI client metrics; default true). Headers are `headers`.
   */
  otlp?: OtlpOptions
  /** Backoff between failed uploads: full jitter, base 1 s, cap 5 min (docs/protocol.md §2). */
  retry?: { baseMs?: number; capMs?: number }
  /** New data goes out within this long (a batch or more gathered per upload; a steady stream does not put it off). Default 250. */
  syncDelayMs?: number
  /** Look for waiting data at least this often. Default 30000. */
  syncIntervalMs?: number
  /** One upload may take this long. Default 30000. */
  requestTimeoutMs?: number

  // — privacy (docs/security.md) —

  /**
   * `required`: nothing is stored (IndexedDB is not even opened) and nothing is sent until
   * `consent.grant()`. Audio always needs its own grant (`grant({ audio: true })`) unless
   * `audio: 'none'`. Default `none`.
   */
  consent?: ConsentMode | ConsentOptions
  /** `metadata` keeps numbers, ids, models and timings and drops all text. Default `full`. */
  capture?: CaptureMode
  /** Acknowledged (uploaded) chunks and audio are deleted locally this long after their upload. Default: kept until quota needs the room. */
  retainSyncedMs?: number
  /** Caps the local store, in bytes: sent data goes first; unsent data only with `onFull: 'drop-oldest'`. A session's start and end marks (with its drop report) are stored past it. */
  maxLocalBytes?: number
  /** When the store is full of unsent data: `drop-newest` refuses new events (default), `drop-oldest` deletes the oldest unsent chunks. Both record `recorder.dropped`. */
  onFull?: 'drop-newest' | 'drop-oldest'
  /** Encrypts chunks and audio at rest (AES-GCM, after compression). Off by default. */
  encryption?: EncryptionOptions
  /** Seals event payloads and audio for the holder of a private key: the backend stores what it cannot read. Off by default. */
  encryptForServer?: EncryptForServerOptions
}

export type CaptureMode = 'full' | 'metadata'

export interface EncryptionOptions {
  /**
   * A key of your own (AES-GCM, 256-bit). Default: a non-extractable key the recorder creates
   * and keeps in IndexedDB (protects data copied off the disk, not from scripts on the page).
   */
  key?: CryptoKey
}

export interface EncryptForServerOptions {
  /**
   * The backend reader's public key: RSA-OAEP with SHA-256, at least 2048 bits, as a JWK or a
   * CryptoKey (`createSealingKeys()` in `@tapedeck/player` makes a pair). Lifecycle events
   * (`session.*`, `recorder.dropped`, `consent.changed`) stay readable; see docs/security.md.
   */
  publicKey: JsonWebKey | CryptoKey
}

export type { AudioApi, AudioSource, AudioStartOptions, AudioStatus, AudioTrack, AudioTrackState, AudioTrackStatus } from '../audio/types'

export interface TranscriptInput {
  speaker: string
  text: string
  startT: number
  endT: number
  confidence?: number
  /** Default true; interim results are `false`. */
  final?: boolean
}

export interface StartOptions extends SessionMetadata {
  /** Continue this session (a reload, a second tab on the same conversation), or create it with this id. */
  sessionId?: string
}

export interface SessionInfo {
  id: string
  /** Epoch ms the session started (the first time, for a resumed session). */
  startedAt: number
  /** The session existed and was opened again. */
  resumed: boolean
}

export interface RecordOptions {
  /** Marks the event as a moment a player can jump to. */
  checkpoint?: boolean
}

/** One LLM call, in the shape cost dashboards log it (`recorder.recordInteraction`). */
export interface Interaction {
  model: string
  /** `openai`, `anthropic`, …; `unknown` when not given. */
  provider?: string
  /** The prompt: a string (one user message) or the messages sent. */
  prompt?: string | unknown[]
  response?: unknown
  /** `total` is accepted and not stored: it is input + output. */
  tokens?: { input: number; output: number; cached?: number; reasoning?: number; total?: number }
  /** In US dollars. */
  cost?: number
  /** Milliseconds from request to the last byte. */
  latency?: number
  /** Milliseconds to the first token. */
  ttft?: number
  finishReason?: string
  /** Request parameters (temperature, max tokens, …): stored as `params`. */
  requestMetadata?: JsonObject
  /** Defaults to a new id. */
  callId?: string
  /** The call failed: records `provider.call.failed` instead of `provider.call.completed`. */
  error?: unknown
  /**
   * When the call happened (a Date or epoch ms), for one logged after the fact: both events carry
   * it as their wall-clock `ts` (their `t` stays the moment they were recorded). Default: now.
   */
  timestamp?: Date | number
}

export interface SnapshotInput {
  snapshotId?: string
  description?: string
  /** Messages, system prompt, model, tools, app state: whatever lets the conversation resume. */
  state: JsonObject
}

export interface AnnotationInput {
  annotationId?: string
  kind: AnnotationAddedData['kind']
  key: string
  value: unknown
  target: AnnotationAddedData['target']
}

export interface AttachOptions {
  /** Default: the Blob's type, else `application/octet-stream`. */
  mimeType?: string
  /** Parts of one attachment share a blob id; default a new one. */
  blobId?: string
  /** Default 0. */
  part?: number
  /** e.g. `input` / `output` for audio. */
  track?: string
  startT?: number
  durationMs?: number
}

export interface AttachmentRef {
  sessionId: string
  blobId: string
  part: number
  mimeType: string
  bytes: number
}

export interface FlushResult {
  /** Events stored so far by this recorder. */
  durable: number
  /** Events this recorder had to give up so far (see `recorder.dropped`). */
  dropped: number
}

export interface StopResult {
  sessionId: string
  /** Seq of `session.ended`, the last event of the session. */
  lastSeq: number
}

export type RecorderState = 'idle' | 'recording' | 'paused' | 'closed'

export interface RecorderStatus {
  state: RecorderState
  /** The engine is up (worker or main thread) and storage is open. */
  ready: boolean
  engine: 'worker' | 'main-thread' | null
  storage: StorageKind | null
  /** Accepted events survive a reload or a crash (IndexedDB is in use). */
  durable: boolean
  session: { id: string; startedAt: number | null; resumed: boolean } | null
  counts: {
    /** Events `record()` accepted (lifecycle events included). */
    accepted: number
    /** Accepted events now stored. */
    durable: number
    /** Accepted events not yet stored. */
    pending: number
    /** Accepted events given up after all (reported as `recorder.dropped`). */
    dropped: number
    /** Calls to `record()` refused with an error. */
    rejected: number
  }
  /** Seq of the last stored event of the current session. */
  lastSeq: number | null
  /** Sessions found open at start-up, left by a closed or crashed tab, now `interrupted`. */
  recovered: string[]
  /** Upload state, `null` when sync is off. */
  sync: SyncStatus | null
  /** The latest error, and the last few. */
  error: ErrorInfo | null
  errors: ErrorInfo[]
  consent: ConsentStatus
  audio: AudioStatus
  /** `record()` calls not stored because consent (or its scope) was missing. Not errors. */
  withheld: number
  /** With `sampleRate`: whether the current session is in the sample (`false`: nothing of it is stored or sent). */
  sampled?: boolean
  /** With `persist: true`: what `navigator.storage.persist()` answered (`false` also when it failed). */
  persisted?: boolean
  /**
   * With IndexedDB: the origin's `navigator.storage.estimate()` in bytes, and when it was asked
   * (`at`, epoch ms). Asked again when something is stored or sent, at most every 30 s.
   */
  storageEstimate?: { usage: number; quota: number; at: number }
  /** With `mode: 'on-error'`: whether the current session was kept (a trigger or `keep()`); until then nothing is stored. */
  kept?: boolean
}

export interface SessionsApi {
  list(query?: SessionQuery): Promise<SessionPage>
  get(id: string): Promise<SessionRecord | undefined>
  events(id: string, options?: { fromSeq?: number; limit?: number }): Promise<TapedeckEvent[]>
  /** The session as NDJSON (`jsonl`), or the stored gzip members as one gzip file (`jsonl.gz`). */
  export(id: string, format?: ExportFormat): Promise<Blob>
  delete(id: string): Promise<boolean>
  /** The attachment parts stored for a session (without their bytes). */
  blobs(id: string): Promise<BlobRecord[]>
  /** One attachment part, as a Blob of its type. */
  blob(id: string, blobId: string, part?: number): Promise<Blob | undefined>
}

export interface DeadLettersApi {
  /** Batches the backend refused for good, with its answer (`lastError`). */
  list(): Promise<ChunkRecord[]>
  /** Puts them back in the outbox (all, or one session's) and uploads; returns how many chunks. */
  retry(sessionId?: string): Promise<number>
  /** Deletes them deliberately (all, or one session's); returns how many chunks. */
  discard(sessionId?: string): Promise<number>
}

export interface Recorder {
  start(options?: StartOptions): Promise<SessionInfo>
  /**
   * Records an event of the current session. Never throws (unless `strict: true`): `true` when the
   * event was accepted; `false` when it was refused (reported with a code: `no_active_session`,
   * `not_serializable`, `invalid_event_data`…), withheld for lack of consent, or the session is paused.
   */
  record<T extends RecordableEventType>(type: T, data: EventData<T>, options?: RecordOptions): boolean
  /**
   * Stores binary data (an audio slice, a file) with the current session, durably, and uploads
   * it with `PUT …/blobs/{blobId}/{part}` (docs/protocol.md §3). Record an event that names the
   * returned `blobId` so a player can find it.
   */
  attach(data: Blob | ArrayBuffer | ArrayBufferView, options?: AttachOptions): Promise<AttachmentRef>
  /** Records `transcript.segment`; `true` when accepted (as `record()`). */
  transcript(segment: TranscriptInput): boolean
  /** Microphone and assistant audio, durable slice by slice (`audio.input` / `audio.output`). */
  readonly audio: AudioApi
  readonly consent: ConsentApi
  /**
   * Erases local data: one session, or every local session of a user id (`{ userId }`); with
   * `remote: true` also asks the backend to erase each of them (`DELETE /v1/sessions/{id}`).
   * Erasing a user everywhere (`DELETE /v1/users/{userId}`) needs the backend's admin key: call
   * it from your server. Rejects with `session_held` when the backend keeps a session under a
   * legal hold. Returns the number of local sessions deleted.
   */
  erase(target: { sessionId: string } | { userId: string }, options?: { remote?: boolean }): Promise<number>
  /**
   * Records one LLM call as `provider.call.started` + `provider.call.completed` (or `.failed` when
   * it has an `error`, or when the recorder cannot take its response); returns the call id (empty
   * when the interaction could not be read). Never throws (unless `strict: true`).
   */
  recordInteraction(interaction: Interaction): string
  /** Records `snapshot.created` (a checkpoint); returns its id (empty when the input could not be read). */
  snapshot(input: SnapshotInput): string
  /** Records `annotation.added`; returns its id (empty when the input could not be read). */
  annotate(input: AnnotationInput): string
  pause(): void
  resume(): void
  /** Resolves when every event accepted so far is durable (or reported dropped). */
  flush(): Promise<FlushResult>
  /** Ends the session with `session.ended` and waits until it is durable. */
  stop(reason?: string): Promise<StopResult | undefined>
  /**
   * Makes everything accepted so far durable and uploads it now, past any backoff; resolves when
   * all of it is acknowledged or an attempt failed. `null` when sync is off.
   */
  syncNow(): Promise<SyncStatus | null>
  readonly deadLetters: DeadLettersApi
  subscribe(listener: () => void): () => void
  getSnapshot(): RecorderStatus
  /** Resolves once the engine is up — at once while consent is required and not given: nothing starts before `consent.grant()`. */
  ready(): Promise<void>
  readonly sessions: SessionsApi
  /** Flushes, stops listening to the page and ends the worker. The session stays open (resumable). */
  close(): Promise<void>
  /**
   * Starts the engine now instead of on first use (the first `start`, batch, `ready` or read):
   * start-up recovers sessions a closed tab left open and uploads what earlier pages stored.
   * `createRecorder` itself does nothing (safe during server rendering and in tests).
   */
  mount(): void
  /** A holder (a React provider) uses the recorder: `mount()`s it, cancels a close its last `release()` scheduled, and reopens it after that close. */
  retain(): void
  /** A holder let go: when none is left, the recorder closes a task later, unless one takes it again first (StrictMode). */
  release(): void
  /** `mode: 'on-error'`: keep the session being recorded — its last `bufferMs` and all that follows (docs/capture.md). Otherwise nothing. */
  keep(reason?: string): void
}

import { TapedeckError, isTapedeckError, toErrorInfo, type ErrorInfo, type TapedeckErrorCode } from '../errors'
import type { EventData, RecordableEventType, SessionStartedData } from '../events/catalogue'
import { ID_PATTERN, checkType, serializeData } from '../events/serialize'
import { BatchBuilder, type PackedBatch } from '../events/PackedBatch'
import type { EngineConnection } from '../engine/connectEngine'
import type { IngestResult } from '../engine/protocol'
import type { SyncStatus } from '../sync/syncStatus'
import { browserClock } from '../util/clock'
import { Store } from '../util/subscribable'
import { createUlid, randomId } from '../util/ulid'
import { VERSION } from '../version'
import { INITIAL_STATUS } from './initialStatus'
import { browserLifecycle } from './pageLifecycle'
import type { TailWriter } from './tailWriter'
import { lazyAudio, type LazyAudio } from './lazyAudio'
import { consoleWarnings } from './consoleWarnings'
import { interactionEvents, interactionTime, type InteractionEvents } from './interactionEvents'
import { resolveOptions, type Settings } from './resolveOptions'
import { deadLettersApi, sessionsApi, type ReadHost } from './readApis'
import type { EngineHost } from './startEngine'
import type { ErasureHost } from './erasure'
import {
  consentConfig,
  grantedConsent,
  initialConsent,
  rememberConsent,
  rememberedConsent,
  storageBlocked,
  withdrawnConsent,
  type ConsentConfig,
} from './consentState'
import type {
  AnnotationInput,
  ConsentApi,
  ConsentScopes,
  ConsentStatus,
  TranscriptInput,
  AttachOptions,
  AttachmentRef,
  DeadLettersApi,
  FlushResult,
  Interaction,
  RecordOptions,
  Recorder,
  RecorderOptions,
  RecorderStatus,
  SessionInfo,
  SessionsApi,
  SnapshotInput,
  StartOptions,
  StopResult,
} from './types'

const MAX_ERRORS_KEPT = 20
/**
 * Batches handed to the engine and not yet stored, at most; more wait on the page. Enough that the
 * engine always has the next group waiting while one commits (4 left it idle between commits:
 * 85–100 k events/s durable in the bench, 164 k/s with 64), few enough that a burst never posts
 * everything at once (every batch at once made an 83 ms task on the page).
 */
const MAX_IN_FLIGHT = 64

interface ActiveSession {
  id: string
  /** `session.started` of a session begun before consent: stored once consent is given. */
  deferred?: string
  userId?: string
  paused: boolean
  startedAt: number | null
  resumed: boolean
}

/**
 * Creates the recorder. It does nothing until it is used — no worker, no IndexedDB, no listener,
 * no localStorage read — so it is safe to make during server rendering, in a render React throws
 * away, or in a test. The first `start()`, batch, `ready()`, read or `mount()` starts it.
 */
export function createRecorder(options: RecorderOptions = {}): Recorder {
  return new RecorderClient(options)
}

class RecorderClient implements Recorder {
  readonly #clock
  readonly #settings: Settings
  /** The engine starter, once loaded (`#connect`). */
  #starter: typeof import('./startEngine') | undefined
  readonly #tab = randomId('t_')
  readonly #ulid = createUlid()
  readonly #status: Store<RecorderStatus>
  /** The engine once started (`#engine()`); until then, and after a close, nothing. */
  #connection: Promise<EngineConnection | undefined> = Promise.resolve(undefined)
  /** Counts engines: an answer from an engine that was replaced is ignored. */
  #generation = 0
  /** How to send again each batch whose engine has not answered yet. */
  readonly #unanswered = new Map<string, () => void>()
  #lastAnswerAt = 0
  #watchdog: ReturnType<typeof setInterval> | undefined
  /** Stops listening to the page's lifecycle; set while the engine runs. */
  #stopListening: (() => void) | undefined

  #session: ActiveSession | null = null
  readonly #buffer = new BatchBuilder()
  #bufferSession = ''
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #inflight = new Set<Promise<unknown>>()
  /** Batches handed to the engine and not yet confirmed, by batch id. */
  readonly #unconfirmed = new Map<string, PackedBatch>()
  #batchCount = 0
  #sending = 0
  readonly #waitingToSend: Array<() => void> = []
  #tail: TailWriter | undefined
  #tailOpenings = 0
  #counts = { accepted: 0, durable: 0, dropped: 0, rejected: 0 }
  #closed = false
  #closing: Promise<void> | undefined
  /** Holders (`retain()`) not yet `release()`d, and the close the last release scheduled. */
  #users = 0
  #releaseTimer: ReturnType<typeof setTimeout> | undefined
  /** A configuration the engine refused: every call says so. */
  #fatal: TapedeckError | undefined

  readonly sessions: SessionsApi
  readonly deadLetters: DeadLettersApi
  readonly consent: ConsentApi
  readonly audio: LazyAudio
  #authFailures = 0
  readonly #consentConfig: ConsentConfig
  /** Read on first use (`#consent`): the remembered decision is in localStorage, not read on a server. */
  #consentStatus: ConsentStatus | undefined
  /** The engine was started (first use, with consent to store). */
  #connected = false
  #withheld = 0

  readonly #options: RecorderOptions
  /** Tells the console about each kind of problem once (development builds, `debug: true`). */
  readonly #warn: (error: ErrorInfo) => void

  constructor(options: RecorderOptions) {
    this.#options = options
    this.#warn = consoleWarnings(options.debug)
    this.#clock = options.clock ?? browserClock
    this.#settings = resolveOptions(options)
    this.#status = new Store<RecorderStatus>(INITIAL_STATUS)
    this.#consentConfig = consentConfig(options.consent, this.#settings.dbName)
    this.audio = lazyAudio(
      {
        // The capture reports failures itself, naming the part: store without reporting.
        attach: (data, attachOptions) => this.#storeAttachment(data, attachOptions),
        // A slice finished as the session pauses is stored: its event must be kept too.
        record: (type, data) => this.#accept(type, data, undefined, true),
        sessionTime: () => {
          const startedAt = this.#session?.startedAt
          return startedAt === null || startedAt === undefined ? null : Math.max(0, this.#clock.now() - startedAt)
        },
        audioAllowed: () => this.#consent.scopes.audio && !storageBlocked(this.#consent),
        report: (error) => this.#report(error),
        newId: (prefix) => `${prefix}${this.#ulid()}`,
      },
      (audio) => this.#publish({ audio }),
      (error) => this.#fail(error, 'audio_failed'),
    )
    this.consent = {
      grant: (scopes) => this.#grant(scopes).catch((error: unknown) => this.#fail(error, 'storage_failed')),
      withdraw: (withdrawOptions) => this.#withdraw(withdrawOptions).catch((error: unknown) => this.#fail(error, 'storage_failed')),
    }
    // Without the remembered decision until first use: nothing is read from the page before then.
    this.#publish({ consent: initialConsent(this.#consentConfig, undefined) })
    const reads: ReadHost = {
      engine: async (flushFirst) => {
        this.#assertConnected()
        if (flushFirst) await this.flush()
        const connection = await this.#engine()
        if (!connection) throw new TapedeckError('storage_unavailable', 'The recorder could not start its storage.')
        return connection.api
      },
      forget: (sessionId) => {
        if (this.#session?.id !== sessionId) return
        this.#session = null
        this.#publish({ state: 'idle', session: null })
      },
    }
    this.sessions = sessionsApi(reads)
    this.deadLetters = deadLettersApi(reads)
  }

  // Both read the remembered consent decision first (a read, no side effect): the status shows it.
  subscribe = (listener: () => void) => {
    void this.#consent
    return this.#status.subscribe(listener)
  }
  getSnapshot = () => {
    void this.#consent
    return this.#status.getSnapshot()
  }

  /**
   * Starts the engine now rather than on first use: start-up recovers sessions a closed tab left
   * open and uploads what earlier pages stored. Nothing starts before consent allows storing.
   */
  mount(): void {
    void this.#engine()
  }

  /** A holder (a React provider) uses the recorder: mount it, and take back a close `release()` scheduled — or reopen it after that close. */
  retain(): void {
    this.#users++
    clearTimeout(this.#releaseTimer)
    this.#releaseTimer = undefined
    if (this.#closed) this.#reopen()
    this.mount()
  }

  /**
   * A holder let go. When none is left, the recorder closes a task later, unless a holder takes
   * it again first (React's StrictMode and Fast Refresh unmount and mount again in one go).
   */
  release(): void {
    this.#users = Math.max(0, this.#users - 1)
    if (this.#users > 0 || this.#releaseTimer !== undefined) return
    this.#releaseTimer = setTimeout(() => {
      this.#releaseTimer = undefined
      if (this.#users === 0) void (this.#closing ??= this.#shutDown(true)).catch(() => undefined)
    }, 0)
  }

  async ready(): Promise<void> {
    await this.#engine()
    if (this.#fatal) throw this.#fatal
  }

  /** The engine, started on first use (start, a batch, reads, `ready`, `mount`) — never before consent allows storing. */
  #engine(): Promise<EngineConnection | undefined> {
    if (!this.#connected && !this.#closed && !storageBlocked(this.#consent)) {
      this.#connected = true
      this.#listen()
      this.#connection = this.#connect(false)
    }
    return this.#connection
  }

  #listen(): void {
    const engine = (call: (api: EngineConnection['api']) => Promise<unknown>) =>
      void this.#connection.then((connection) => connection && call(connection.api)).catch(() => undefined)
    this.#stopListening?.()
    this.#stopListening = (this.#options.lifecycle ?? browserLifecycle).subscribe({
      // The page may be going away: hand everything over now, not in 50 ms, and keep a copy of
      // what the worker has not confirmed, in case the worker goes down with the page.
      hide: () => {
        void this.#post()
        this.#tail?.save([...this.#unconfirmed.values()])
      },
      show: () => engine((api) => api.pageVisible()),
      connectivity: (online) => engine((api) => api.setOnline(online)),
    })
  }

  get #consent(): ConsentStatus {
    if (this.#consentStatus) return this.#consentStatus
    const status = initialConsent(this.#consentConfig, rememberedConsent(this.#consentConfig))
    this.#consentStatus = status
    this.#publish({ consent: status })
    return status
  }

  async start(options: StartOptions = {}): Promise<SessionInfo> {
    this.#assertOpen()
    const { sessionId, ...metadata } = options
    if (this.#session) {
      // The same session again is harmless (a framework that mounts twice, say).
      if (sessionId === this.#session.id) return this.#sessionInfo(this.#session)
      throw new TapedeckError(
        'session_active',
        `Session ${this.#session.id} is being recorded: call stop() before starting another.`,
      )
    }
    const id = sessionId ?? `s_${this.#ulid()}`
    if (!ID_PATTERN.test(id)) {
      throw new TapedeckError(
        'invalid_session_id',
        `Session id ${JSON.stringify(id)} is not usable: use 1 to 128 letters, digits, "_" or "-".`,
      )
    }
    const data = serializeData('session.started', this.#startedData(metadata), this.#settings.maxEventBytes)
    const session: ActiveSession = { id, paused: false, startedAt: null, resumed: false }
    if (typeof metadata.userId === 'string') session.userId = metadata.userId
    this.#session = session
    if (storageBlocked(this.#consent)) {
      // Nothing is stored before consent: the session begins for real on `consent.grant()`.
      session.deferred = data
      this.#publish({ state: 'recording', session: { id, startedAt: null, resumed: false } })
      return { id, startedAt: 0, resumed: false }
    }
    this.#enqueue('session.started', data)
    const result = this.#post()
    this.#publish({ state: 'recording', session: { id, startedAt: null, resumed: false } })
    const outcome = await result
    if (outcome && outcome.stored > 0) {
      session.startedAt = outcome.startedAt
      session.resumed = outcome.resumed
      if (this.#session === session) this.#publish({ session: { id, startedAt: outcome.startedAt, resumed: outcome.resumed } })
    }
    return { id, startedAt: session.startedAt ?? 0, resumed: session.resumed }
  }

  record<T extends RecordableEventType>(type: T, data: EventData<T>, options?: RecordOptions): boolean {
    return this.#accept(type, data, options, false)
  }

  /** Whether the event was taken (false: refused and reported, withheld by consent, or paused). */
  #accept<T extends RecordableEventType>(type: T, data: EventData<T>, options: RecordOptions | undefined, evenPaused: boolean, ts?: number): boolean {
    try {
      if (this.#fatal) throw this.#fatal
      const session = this.#session
      if (this.#consent.state === 'withdrawn' && !this.#closed) {
        // After a withdrawal the app may go on recording as before: nothing is kept, nothing breaks.
        this.#withheld++
        this.#publish({})
        return false
      }
      if (session === null) {
        throw new TapedeckError(
          this.#closed ? 'recorder_closed' : 'no_active_session',
          this.#closed ? 'The recorder is closed.' : `No session is being recorded: call start() before record("${String(type)}").`,
        )
      }
      checkType(type)
      if (session.paused && !evenPaused) return false
      const json = serializeData(type, data, this.#settings.maxEventBytes)
      if (!this.#allows(type)) {
        this.#withheld++
        this.#publish({})
        return false
      }
      this.#enqueue(type, json, options?.checkpoint === true, ts)
      return true
    } catch (error) {
      this.#counts.rejected++
      this.#fail(error, 'invalid_event_data')
      return false
    }
  }

  /**
   * A call the app made could not be honoured: report it (status, `onError`, the console in
   * development) and carry on — or, with `strict: true`, throw it as a TapedeckError.
   */
  #fail(error: unknown, fallback: TapedeckErrorCode): void {
    const info = toErrorInfo(error, fallback)
    if (!isTapedeckError(error)) info.cause = error
    else if (error.cause !== undefined) info.cause = error.cause
    this.#report(info)
    if (this.#options.strict) throw isTapedeckError(error) ? error : new TapedeckError(info.code, info.message, { cause: error })
  }

  async attach(data: Blob | ArrayBuffer | ArrayBufferView, options: AttachOptions = {}): Promise<AttachmentRef> {
    try {
      return await this.#storeAttachment(data, options)
    } catch (error) {
      this.#report(toErrorInfo(error, 'storage_failed'))
      throw error
    }
  }

  /** `attach()` without reporting failures (the caller reports them). */
  async #storeAttachment(data: Blob | ArrayBuffer | ArrayBufferView, options: AttachOptions = {}): Promise<AttachmentRef> {
    const session = this.#session
    if (!session) {
      throw new TapedeckError('no_active_session', 'No session is being recorded: call start() before attach().')
    }
    const blobId = options.blobId ?? `b_${this.#ulid()}`
    const part = options.part ?? 0
    if (!ID_PATTERN.test(blobId) || !Number.isInteger(part) || part < 0) {
      throw new TapedeckError('invalid_blob', `Blob id ${JSON.stringify(blobId)} / part ${part} is not usable: 1–128 letters, digits, "_" or "-", and a whole part number from 0.`)
    }
    const mimeType = options.mimeType ?? ((data instanceof Blob && data.type) || 'application/octet-stream')
    const bytes = await toArrayBuffer(data)
    const limit = this.#settings.maxBlobBytes
    if (bytes.byteLength > limit) {
      throw new TapedeckError('invalid_blob', `The attachment is ${bytes.byteLength} bytes, over maxBlobBytes (${limit}): split it into parts.`)
    }
    const connection = await this.#engine()
    if (!connection) throw new TapedeckError('storage_unavailable', 'The recorder could not start its storage.')
    const size = bytes.byteLength
    const input = { sessionId: session.id, blobId, part, mimeType, bytes, ...pick(options, 'track', 'startT', 'durationMs') }
    const result = await connection.api.storeBlob(connection.kind === 'worker' ? this.#starter!.transfer(input, [bytes]) : input)
    if (result.error) throw new TapedeckError(result.error.code, result.error.message)
    return { sessionId: session.id, blobId, part, mimeType, bytes: size }
  }

  transcript(segment: TranscriptInput): boolean {
    return this.#build('transcript.segment', () => {
      const { final = true, ...rest } = segment
      return { ...rest, final }
    })
  }

  snapshot(input: SnapshotInput): string {
    let snapshotId = ''
    this.#build(
      'snapshot.created',
      () => {
        snapshotId = input.snapshotId ?? `snap_${this.#ulid()}`
        return { snapshotId, state: input.state, ...(input.description !== undefined && { description: input.description }) }
      },
      { checkpoint: true },
    )
    return snapshotId
  }

  annotate(input: AnnotationInput): string {
    let annotationId = ''
    this.#build('annotation.added', () => {
      annotationId = input.annotationId ?? `ann_${this.#ulid()}`
      return { ...input, annotationId }
    })
    return annotationId
  }

  recordInteraction(interaction: Interaction): string {
    let callId = ''
    let events: InteractionEvents
    let ts: number
    try {
      callId = interaction.callId ?? `call_${this.#ulid()}`
      ts = interactionTime(interaction.timestamp, this.#clock.wallNow())
      events = interactionEvents(interaction, callId)
    } catch (error) {
      this.#counts.rejected++
      this.#fail(isTapedeckError(error) ? error : new TapedeckError('invalid_event_data', `Cannot read the interaction: ${describeError(error)}.`, { cause: error }), 'invalid_event_data')
      return ''
    }
    const [[startType, started], [endType, ended]] = events
    if (!this.#accept(startType, started, undefined, false, ts)) return callId
    if (!this.#accept(endType, ended, undefined, false, ts) && endType === 'provider.call.completed' && this.#session && !this.#session.paused) {
      // A response the recorder cannot take (not JSON, too large): the call still gets an end.
      const refused = this.#status.getSnapshot().error
      this.#accept('provider.call.failed', { callId, error: { name: 'TapedeckError', message: refused?.message ?? 'The response could not be recorded.' } }, undefined, false, ts)
    }
    return callId
  }

  /** Records what `build` makes of the app's input; an input that cannot be read is refused like a bad payload. */
  #build<T extends RecordableEventType>(type: T, build: () => EventData<T>, options?: RecordOptions): boolean {
    let data: EventData<T>
    try {
      data = build()
    } catch (error) {
      this.#counts.rejected++
      this.#fail(new TapedeckError('invalid_event_data', `Cannot read the input of "${type}": ${describeError(error)}.`, { cause: error }), 'invalid_event_data')
      return false
    }
    return this.#accept(type, data, options, false)
  }

  pause(): void {
    const session = this.#session
    if (!session || session.paused) return
    this.audio.pause()
    if (this.#storing(session)) this.#enqueueLifecycle('session.paused', { reason: 'pause' })
    session.paused = true
    this.#publish({ state: 'paused' })
  }

  resume(): void {
    const session = this.#session
    if (!session || !session.paused) return
    session.paused = false
    if (this.#storing(session)) this.#enqueueLifecycle('session.resumed', { reason: 'resume' })
    this.audio.resume()
    this.#publish({ state: 'recording' })
  }

  async flush(): Promise<FlushResult> {
    this.#post()
    await Promise.all([...this.#inflight])
    return { durable: this.#counts.durable, dropped: this.#counts.dropped }
  }

  async stop(reason = 'stopped'): Promise<StopResult | undefined> {
    if (!this.#session) return undefined
    await this.audio.stopAll()
    const session = this.#session
    if (!session) return undefined
    if (!this.#storing(session)) {
      // Never stored (no consent): there is nothing to end.
      this.#session = null
      this.#publish({ state: this.#closed ? 'closed' : 'idle', session: null })
      return undefined
    }
    this.#enqueueLifecycle('session.ended', { reason })
    const ended = this.#post()
    this.#session = null
    this.#publish({ state: this.#closed ? 'closed' : 'idle', session: null })
    const outcome = await ended
    await this.flush()
    return { sessionId: session.id, lastSeq: outcome?.lastSeq ?? -1 }
  }

  close(): Promise<void> {
    clearTimeout(this.#releaseTimer)
    this.#releaseTimer = undefined
    return (this.#closing ??= this.#shutDown(false))
  }

  /** `released`: the last holder let go; a holder that takes the recorder again while it flushes keeps it open. */
  async #shutDown(released: boolean): Promise<void> {
    await this.audio.stopAll()
    await this.flush()
    if (released && this.#users > 0) {
      this.#closing = undefined
      return
    }
    this.#closed = true
    this.#session = null
    this.#stopListening?.()
    this.#stopListening = undefined
    clearInterval(this.#watchdog)
    this.#watchdog = undefined
    this.#tail?.close()
    this.#tail = undefined
    this.#publish({ state: 'closed', session: null })
    const connection = await this.#connection
    // Let the engine release its locks and database, but do not wait on a worker that is gone.
    await Promise.race([connection?.api.close(), new Promise((resolve) => setTimeout(resolve, 1000))])
    connection?.terminate()
  }

  /** A closed recorder taken again (`retain()`: a provider mounted again): as new, its engine started on first use. */
  #reopen(): void {
    this.#closed = false
    this.#closing = undefined
    this.#connected = false
    this.#connection = Promise.resolve(undefined)
    this.#generation++
    this.#tailOpenings++
    this.#publish({ state: 'idle', ready: false, engine: null, storage: null })
  }

  // — internals —

  /** Starts the engine (`startEngine.ts`, loaded now: nothing of it is needed before). */
  async #connect(mainThread: boolean): Promise<EngineConnection | undefined> {
    try {
      this.#starter ??= await import('./startEngine')
    } catch (error) {
      this.#report(toErrorInfo(error, 'storage_unavailable'))
      return undefined
    }
    return this.#starter.startEngine(this.#engineHost(), mainThread)
  }

  #engineHost(): EngineHost {
    return {
      options: this.#options,
      settings: this.#settings,
      captureMode: () => this.#captureMode(),
      fetchToken: () => this.#fetchToken(),
      onSyncStatus: (status) => this.#onSyncStatus(status),
      report: (error) => this.#report(error),
      publish: (patch) => this.#publish(patch),
      fatal: (error) => {
        this.#fatal = error
      },
      tail: (open) => this.#openTail(open),
    }
  }

  #onSyncStatus(status: SyncStatus): void {
    const before = this.#status.getSnapshot().sync
    // Each failed attempt, refusal or pause is reported once.
    const error = status.error
    if (error && (error.at !== before?.error?.at || error.message !== before.error.message || status.attempt !== before.attempt)) {
      this.#report(error)
    }
    this.#publish({ sync: status })
    if (status.lastSuccessAt !== before?.lastSuccessAt) this.#authFailures = 0
    if (status.needsToken && !before?.needsToken && this.#options.getToken) {
      // Ask for a new token, later each time the backend refuses again.
      const delay = Math.min(30_000, 1000 * 2 ** this.#authFailures++) - 1000
      setTimeout(() => {
        void this.#fetchToken().then(async (token) => (await this.#connection)?.api.setToken(token))
      }, Math.max(0, delay))
    }
  }

  async #fetchToken(): Promise<string | undefined> {
    try {
      return (await this.#options.getToken?.()) ?? undefined
    } catch (error) {
      this.#report(toErrorInfo(error, 'sync_unauthorized'))
      return undefined
    }
  }

  async syncNow(): Promise<SyncStatus | null> {
    await this.flush()
    const connection = await this.#engine()
    const status = (await connection?.api.syncNow()) ?? null
    if (status) this.#publish({ sync: status })
    return status
  }

  #startedData(metadata: Omit<StartOptions, 'sessionId'>): SessionStartedData {
    const data: SessionStartedData = { ...metadata, recorder: { version: VERSION } }
    if (typeof location !== 'undefined') {
      // Origin and path only: query strings and fragments often carry tokens.
      data.app = { url: location.origin + location.pathname, ...(typeof document !== 'undefined' && { title: document.title }) }
    }
    if (typeof navigator !== 'undefined' && navigator.userAgent) data.userAgent = navigator.userAgent
    return data
  }

  #enqueueLifecycle(type: 'session.paused' | 'session.resumed' | 'session.ended', data: object): void {
    this.#enqueue(type, JSON.stringify(data))
  }

  /** `ts`: the wall-clock time of the event when it is not now (an interaction logged after the fact). */
  #enqueue(type: string, data: string, checkpoint = false, ts?: number): void {
    const sessionId = this.#session!.id
    if (this.#buffer.length > 0 && this.#bufferSession !== sessionId) this.#post()
    this.#bufferSession = sessionId
    this.#buffer.push(type, data, ts ?? this.#clock.wallNow(), this.#clock.now(), checkpoint)
    this.#counts.accepted++
    if (this.#buffer.length >= this.#settings.maxBatchEvents) this.#post()
    else this.#timer ??= setTimeout(this.#post, this.#settings.flushIntervalMs)
  }

  /** Hands the buffer to the engine as one batch; resolves when it is stored. */
  #post = (): Promise<IngestResult | undefined> => {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    if (this.#buffer.length === 0) return Promise.resolve(undefined)
    const batch = this.#buffer.take(this.#bufferSession, this.#tab, `${this.#tab}.${++this.#batchCount}`)
    this.#unconfirmed.set(batch.batchId, batch)
    const sent = this.#sendSlot()
      .then(() => this.#ingest(batch))
      .then(
        (result) => {
          this.#counts.durable += result.stored
          this.#counts.dropped += result.dropped
          if (result.error) this.#report(result.error)
          const current = this.#session?.id === result.sessionId && result.lastSeq >= 0
          this.#publish({
            ...(current && { lastSeq: result.lastSeq }),
            ...(result.storage === 'memory' && { storage: 'memory', durable: false }),
          })
          return result
        },
        (error: unknown) => {
          this.#counts.dropped += batch.ts.length
          this.#report(toErrorInfo(error, 'storage_failed'))
          return undefined
        },
      )
    this.#inflight.add(sent)
    void sent.finally(() => {
      this.#sending--
      this.#waitingToSend.shift()?.()
      this.#inflight.delete(sent)
      this.#unconfirmed.delete(batch.batchId)
      this.#tail?.confirm(batch.batchId)
    })
    this.#publish({})
    return sent
  }

  /**
   * Sends a batch to the engine. If the engine stops answering (a worker that crashed or hangs),
   * the watchdog replaces it and the batch goes to the replacement, which skips it if it was
   * stored after all.
   */
  #ingest(batch: PackedBatch): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      const send = (resend: boolean) => {
        const generation = this.#generation
        const answered = (settle: () => void) => {
          this.#lastAnswerAt = Date.now()
          if (generation !== this.#generation) return
          this.#unanswered.delete(batch.batchId)
          settle()
        }
        void this.#engine()
          .then((connection) => {
            if (!connection) throw new TapedeckError('storage_unavailable', 'The recorder could not start its storage.')
            return connection.api.ingest(batch, resend)
          })
          .then(
            (result) => answered(() => resolve(result)),
            (error: unknown) => answered(() => reject(error)),
          )
      }
      if (this.#unanswered.size === 0) this.#lastAnswerAt = Date.now()
      this.#unanswered.set(batch.batchId, () => send(true))
      send(false)
      this.#watch()
    })
  }

  /** While batches wait for an answer, checks now and then that the engine still answers at all. */
  #watch(): void {
    const limit = this.#settings.workerWatchdogMs
    this.#watchdog ??= setInterval(() => {
      if (this.#unanswered.size === 0) {
        clearInterval(this.#watchdog)
        this.#watchdog = undefined
        return
      }
      if (Date.now() - this.#lastAnswerAt < limit) return
      const current = this.#connection
      void current.then(async (connection) => {
        if (!connection || connection.kind === 'main-thread') return
        const alive = await this.#starter!.withTimeout(connection.api.ping(), Math.min(limit, 2000), 'no answer').catch(() => false)
        if (!alive && this.#connection === current) await this.#replaceEngine(connection)
      })
    }, Math.max(50, limit / 4))
  }

  /** The worker stopped answering: end it, carry on on the main thread, send what was pending again. */
  async #replaceEngine(dead: EngineConnection): Promise<void> {
    this.#generation++
    dead.terminate()
    this.#report({
      code: 'worker_unavailable',
      message: "The recorder's worker stopped answering; recording continues on the main thread. Nothing accepted is lost: pending batches are sent again.",
      at: Date.now(),
    })
    this.#connection = this.#connect(true)
    this.#lastAnswerAt = Date.now()
    for (const sendAgain of [...this.#unanswered.values()]) sendAgain()
  }

  /** Resolves, in call order, when a batch may go to the engine. */
  #sendSlot(): Promise<void> {
    if (this.#sending < MAX_IN_FLIGHT && this.#waitingToSend.length === 0) {
      this.#sending++
      return Promise.resolve()
    }
    return new Promise((resolve) =>
      this.#waitingToSend.push(() => {
        this.#sending++
        resolve()
      }),
    )
  }

  #sessionInfo(session: ActiveSession): Promise<SessionInfo> {
    return this.flush().then(() => ({ id: session.id, startedAt: session.startedAt ?? 0, resumed: session.resumed }))
  }

  #report(error: ErrorInfo): void {
    this.#publish({ error, errors: [...this.#status.getSnapshot().errors, error].slice(-MAX_ERRORS_KEPT) })
    this.#warn(error)
    try {
      this.#options.onError?.(error)
    } catch {
      // The host's error callback must not break recording.
    }
  }

  #publish(patch: Partial<RecorderStatus>): void {
    const { accepted, durable, dropped, rejected } = this.#counts
    this.#status.update({
      ...patch,
      withheld: this.#withheld,
      counts: { accepted, durable, dropped, rejected, pending: accepted - durable - dropped },
    })
  }

  // — consent and erasure —

  /** Whether consent lets an event of this type be stored now. */
  #allows(type: string): boolean {
    const consent = this.#consent
    if (storageBlocked(consent)) return false
    return type !== 'user.action' || consent.scopes.actions
  }

  /** The session's events are being stored (it began with consent). */
  #storing(session: ActiveSession): boolean {
    return session.deferred === undefined && !storageBlocked(this.#consent)
  }

  /** The page's copy of unconfirmed batches at page hide (see tailWriter), replacing any earlier one. */
  async #openTail(open: () => Promise<TailWriter>): Promise<void> {
    this.#tail?.close()
    this.#tail = undefined
    const opening = ++this.#tailOpenings
    try {
      const tail = await open()
      if (opening === this.#tailOpenings && !this.#closed) this.#tail = tail
      else tail.close()
    } catch {
      // Not loaded (offline before it was cached, say): no copy at page hide; the worker still
      // stores every batch it got.
    }
  }

  /** Text is kept only with consent to content. */
  #captureMode(): 'full' | 'metadata' {
    return this.#consent.scopes.content ? (this.#options.capture ?? 'full') : 'metadata'
  }

  #setConsent(status: ConsentStatus): void {
    this.#consentStatus = status
    rememberConsent(this.#consentConfig, status)
    this.#publish({ consent: status })
  }

  async #grant(asked: Partial<ConsentScopes> = {}): Promise<void> {
    this.#assertOpen()
    const before = this.#consent
    const next = grantedConsent(this.#consentConfig, asked)
    // Batches recorded under the old scopes are handed over first: a narrower scope never
    // applies late, a wider one never early.
    if (this.#connected) await this.flush()
    this.#setConsent(next)
    if (!next.scopes.audio) await this.audio.stopAll()
    if (!this.#connected) {
      void this.#engine()
    } else if (before.scopes.content !== next.scopes.content || storageBlocked(before)) {
      const capture = this.#captureMode()
      await this.#connection.then((connection) => connection?.api.setCapture(capture))
    }
    const session = this.#session
    if (session?.deferred !== undefined) {
      this.#enqueue('session.started', session.deferred)
      delete session.deferred
      if (session.paused) this.#enqueueLifecycle('session.paused', { reason: 'pause' })
    }
    if (session && next.mode === 'required') this.#enqueue('consent.changed', JSON.stringify({ state: 'granted', scopes: next.scopes }))
    const started = session ? this.#post() : undefined
    this.#publish({})
    const outcome = await started
    if (session && outcome && outcome.sessionId === session.id && outcome.stored > 0 && session.startedAt === null) {
      session.startedAt = outcome.startedAt
      session.resumed = outcome.resumed
      if (this.#session === session) this.#publish({ session: { id: session.id, startedAt: outcome.startedAt, resumed: outcome.resumed } })
    }
  }

  async #withdraw({ erase = false }: { erase?: boolean } = {}): Promise<void> {
    this.#assertOpen()
    await this.audio.stopAll()
    const session = this.#session
    if (session && this.#storing(session) && !erase) {
      // The last word of the session: why it ends.
      this.#enqueue('consent.changed', JSON.stringify({ state: 'withdrawn', scopes: withdrawnConsent(this.#consentConfig).scopes }))
      await this.stop('consent-withdrawn')
    } else if (session) {
      this.#session = null
      this.#publish({ state: 'idle', session: null })
    }
    this.#setConsent(withdrawnConsent(this.#consentConfig))
    if (!erase) return
    await this.flush()
    const { eraseData } = await import('./erasure')
    await eraseData(this.#erasureHost(), 'everything', true)
  }

  async erase(target: { sessionId: string } | { userId: string }, { remote = false }: { remote?: boolean } = {}): Promise<number> {
    this.#assertOpen()
    const { checkEraseTarget, eraseData } = await import('./erasure')
    checkEraseTarget(target, remote, this.#options.endpoint)
    const current = this.#session
    if (current && ('sessionId' in target ? current.id === target.sessionId : current.userId === target.userId)) {
      await this.audio.stopAll()
      if (this.#session === current) {
        this.#session = null
        this.#publish({ state: 'idle', session: null })
      }
    }
    if (this.#connected) await this.flush()
    return eraseData(this.#erasureHost(), target, remote)
  }

  #erasureHost(): ErasureHost {
    return {
      endpoint: this.#options.endpoint,
      headers: this.#options.headers,
      engine: async () => (await this.#engine())?.api,
      token: async () => (this.#options.getToken ? this.#fetchToken() : undefined),
      report: (error) => this.#report(error),
    }
  }

  #assertConnected(): void {
    if (!this.#connected && storageBlocked(this.#consent)) {
      throw new TapedeckError('consent_required', 'Consent is required and was not given: nothing is stored, so there is nothing to read yet.')
    }
  }

  #assertOpen(): void {
    if (this.#fatal) throw this.#fatal
    if (this.#closed) throw new TapedeckError('recorder_closed', 'The recorder is closed: create a new one.')
  }
}

async function toArrayBuffer(data: Blob | ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer> {
  if (data instanceof Blob) return data.arrayBuffer()
  if (data instanceof ArrayBuffer) return data.slice(0)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer
  throw new TapedeckError('invalid_blob', 'attach() takes a Blob, an ArrayBuffer or a typed array.')
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

function pick<T extends object, K extends keyof T>(object: T, ...keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key]
  return out
}

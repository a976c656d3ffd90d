import { TapedeckError, toErrorInfo } from '../errors'
import type { EventData, RecordableEventType } from '../events/catalogue'
import { checkType, serializeData } from '../events/serialize'
import type { SyncStatus } from '../sync/syncStatus'
import { browserClock } from '../util/clock'
import { createUlid, randomId } from '../util/ulid'
import { adoptStart, openSession, storing, type ActiveSession } from './ActiveSession'
import { BatchQueue } from './BatchQueue'
import { EngineLink } from './EngineLink'
import { lazyAudio, type LazyAudio } from './lazyAudio'
import { captureInputs } from './captureInputs'
import { resolveOptions, type Settings } from './resolveOptions'
import { readApis } from './readApis'
import { consentCalls } from './consentCalls'
import { ConsentKeeper } from './consentState'
import { StatusReporter } from './StatusReporter'
import { captureLoader } from '../capture/captureLoader'
import { Holders } from './Holders'
import type {
  ConsentApi,
  AttachOptions,
  AttachmentRef,
  DeadLettersApi,
  FlushResult,
  RecordOptions,
  Recorder,
  RecorderOptions,
  SessionInfo,
  SessionsApi,
  StartOptions,
  StopResult,
} from './types'

/**
 * Creates the recorder. It does nothing until it is used — no worker, no IndexedDB, no listener,
 * no localStorage read — so it is safe to make during server rendering, in a render React throws
 * away, or in a test. The first `start()`, batch, `ready()`, read or `mount()` starts it.
 */
export function createRecorder(options: RecorderOptions = {}): Recorder {
  return new RecorderClient(options)
}

/**
 * The session lifecycle (start, pause, resume, stop, close), `record()` and the status. Events go
 * to the {@link BatchQueue}, which hands them to the engine through the {@link EngineLink} (worker
 * start-up, watchdog, failover, resend). The calls that build events from the app's input are in
 * captureInputs, `consent` and `erase` in consentCalls, `retain`/`release` counting in Holders.
 */
class RecorderClient implements Recorder {
  readonly #clock
  readonly #settings: Settings
  readonly #ulid = createUlid()
  readonly #status: StatusReporter
  readonly #link: EngineLink
  readonly #queue: BatchQueue
  #session: ActiveSession | null = null
  #closed = false
  #closing: Promise<void> | undefined
  /** When the last holder lets go, the recorder closes (unless held again while it flushes). */
  readonly #holders = new Holders(() => void (this.#closing ??= this.#shutDown(true)).catch(() => undefined))

  readonly sessions: SessionsApi
  readonly deadLetters: DeadLettersApi
  readonly consent: ConsentApi
  readonly erase: Recorder['erase']
  readonly audio: LazyAudio
  /** `transcript`, `snapshot`, `annotate` and `recordInteraction`: events built from the app's input. */
  readonly #inputs = captureInputs({
    accept: (type, data, options, ts) => this.#accept(type, data, options, false, ts),
    refuse: (error) => this.#status.refuse(error),
    newId: (prefix) => `${prefix}${this.#ulid()}`,
    wallNow: () => this.#clock.wallNow(),
    recording: () => this.#session !== null && !this.#session.paused,
    lastError: () => this.#status.store.getSnapshot().error?.message,
  })
  readonly transcript = this.#inputs.transcript
  readonly snapshot = this.#inputs.snapshot
  readonly annotate = this.#inputs.annotate
  readonly recordInteraction = this.#inputs.recordInteraction
  /** The user's decision, read on first use: it is in localStorage, not read on a server. */
  readonly #consent: ConsentKeeper
  /** Sampling, on-error mode, autoCapture, propagation (docs/capture.md): loaded on first use; `undefined` without those options. */
  readonly #capture

  constructor(options: RecorderOptions) {
    this.#clock = options.clock ?? browserClock
    this.#settings = resolveOptions(options)
    const status = (this.#status = new StatusReporter(options))
    const { report, publish } = status
    this.#capture = captureLoader(options, { clock: this.#clock, push: (...event) => this.#queue.push(...event), publish, report, recorder: this, endpoint: options.endpoint })
    this.#consent = new ConsentKeeper(options, this.#settings.dbName, (consent) => publish({ consent }))
    const closed = () => this.#closed
    this.#link = new EngineLink({
      options,
      settings: this.#settings,
      captureMode: () => this.#consent.captureMode(),
      blocked: () => this.#consent.blocked,
      closed,
      report,
      publish,
      hide: (leaving) => {
        const session = this.#session
        this.#queue.hide(leaving && session && storing(session, this.#consent.status) ? session.id : undefined)
      },
      show: () => this.#queue.show(),
      tail: (open) => this.#queue.openTail(open),
      keepalive: (tail) => this.#queue.useKeepalive(tail),
      synced: (acked) => this.#queue.synced(acked),
    })
    this.#queue = new BatchQueue({
      settings: this.#settings,
      clock: this.#clock,
      counts: status.counts,
      tab: randomId('t_'),
      ingest: (batch) => this.#link.ingest(batch),
      lease: (sessionId, tab, count) => this.#link.lease(sessionId, tab, count),
      closeLease: (sessionId, tab, stampedTo) => this.#link.closeLease(sessionId, tab, stampedTo),
      closed,
      report,
      stored: (result) => {
        const current = this.#session?.id === result.sessionId && result.lastSeq >= 0
        publish({
          ...(current && { lastSeq: result.lastSeq }),
          ...(result.storage === 'memory' && { storage: 'memory', durable: false }),
        })
      },
      changed: () => publish({}),
    })
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
        audioAllowed: () => this.#consent.status.scopes.audio && !this.#consent.blocked,
        report,
        newId: (prefix) => `${prefix}${this.#ulid()}`,
      },
      (audio) => publish({ audio }),
      (error) => status.fail(error, 'audio_failed'),
    )
    const calls = consentCalls({
      consent: this.#consent,
      link: this.#link,
      session: () => this.#session,
      endSession: (session) => this.#endSession(session),
      enqueue: (type, data) => this.#enqueue(type, data),
      post: () => this.#queue.post(),
      flush: () => this.flush(),
      stop: (reason) => this.stop(reason),
      stopAudio: () => this.audio.stopAll(),
      publish,
      report,
      options,
      dbName: this.#settings.dbName,
      assertOpen: () => this.#assertOpen(),
      fail: (error) => status.fail(error, 'storage_failed'),
    })
    this.consent = calls.consent
    this.erase = calls.erase
    // Without the remembered decision until first use: nothing is read from the page before then.
    publish({ consent: this.#consent.initial })
    const reads = readApis({
      link: this.#link,
      blocked: () => this.#consent.blocked,
      flush: () => this.flush(),
      forget: (sessionId) => this.#session?.id === sessionId && this.#endSession(this.#session),
    })
    this.sessions = reads.sessions
    this.deadLetters = reads.deadLetters
  }

  // Both read the remembered consent decision first (a read, no side effect): the status shows it.
  subscribe = (listener: () => void) => {
    void this.#consent.status
    return this.#status.store.subscribe(listener)
  }
  getSnapshot = () => {
    void this.#consent.status
    return this.#status.store.getSnapshot()
  }

  /**
   * Starts the engine now rather than on first use: start-up recovers sessions a closed tab left
   * open and uploads what earlier pages stored. Nothing starts before consent allows storing.
   */
  mount(): void {
    void this.#link.start()
  }

  /** A holder (a React provider) uses the recorder: mount it, and take back a close `release()` scheduled — or reopen it after that close. */
  retain(): void {
    this.#holders.retain()
    if (this.#closed) this.#reopen()
    this.mount()
  }

  /** A holder let go: with none left, the recorder closes a task later (see {@link Holders}). */
  release(): void {
    this.#holders.release()
  }

  async ready(): Promise<void> {
    await this.#link.start()
    if (this.#link.fatal) throw this.#link.fatal
  }

  async start(options: StartOptions = {}): Promise<SessionInfo> {
    this.#assertOpen()
    const sessionId = options.sessionId
    const current = this.#session
    if (current) {
      // The same session again is harmless (a framework that mounts twice, say).
      if (sessionId === current.id) return this.flush().then(() => ({ id: current.id, startedAt: current.startedAt ?? 0, resumed: current.resumed }))
      throw new TapedeckError('session_active', `Session ${current.id} is being recorded: call stop() before starting another.`)
    }
    const { session, data } = openSession(options, () => `s_${this.#ulid()}`, this.#settings.maxEventBytes)
    const id = session.id
    this.#session = session
    const blocked = this.#consent.blocked
    // Nothing is stored before consent: the session begins for real on `consent.grant()`.
    if (blocked) session.deferred = data
    else {
      this.#enqueue('session.started', data)
      if (this.#capture) await this.#capture()
    }
    const result = blocked ? undefined : this.#queue.post()
    this.#status.publish({ state: 'recording', session: { id, startedAt: null, resumed: false } })
    if (adoptStart(session, await result) && this.#session === session) {
      this.#status.publish({ session: { id, startedAt: session.startedAt, resumed: session.resumed } })
    }
    return { id, startedAt: session.startedAt ?? 0, resumed: session.resumed }
  }

  record<T extends RecordableEventType>(type: T, data: EventData<T>, options?: RecordOptions): boolean {
    return this.#accept(type, data, options, false)
  }

  /** Whether the event was taken (false: refused and reported, withheld by consent, or paused). */
  #accept<T extends RecordableEventType>(type: T, data: EventData<T>, options: RecordOptions | undefined, evenPaused: boolean, ts?: number): boolean {
    try {
      if (this.#link.fatal) throw this.#link.fatal
      const session = this.#session
      const consent = this.#consent
      if (consent.status.state === 'withdrawn' && !this.#closed) {
        // After a withdrawal the app may go on recording as before: nothing is kept, nothing breaks.
        this.#status.withhold()
        return false
      }
      if (session === null) {
        this.#assertOpen()
        throw new TapedeckError('no_active_session', `No session is being recorded: call start() before record("${String(type)}").`)
      }
      checkType(type)
      if (session.paused && !evenPaused) return false
      const json = serializeData(type, data, this.#settings.maxEventBytes)
      if (!consent.allows(type)) {
        this.#status.withhold()
        return false
      }
      this.#enqueue(type, json, options?.checkpoint === true, ts)
      return true
    } catch (error) {
      this.#status.refuse(error)
      return false
    }
  }

  async attach(data: Blob | ArrayBuffer | ArrayBufferView, options: AttachOptions = {}): Promise<AttachmentRef> {
    try {
      return await this.#storeAttachment(data, options)
    } catch (error) {
      this.#status.report(toErrorInfo(error, 'storage_failed'))
      throw error
    }
  }

  /** `attach()` without reporting failures (the caller reports them). */
  async #storeAttachment(data: Blob | ArrayBuffer | ArrayBufferView, options?: AttachOptions): Promise<AttachmentRef> {
    // Loaded on first use: most pages never attach anything.
    const session = this.#session
    const { storeAttachment } = await import('./storeAttachment')
    return storeAttachment(this.#link, session, this.#ulid, this.#settings.maxBlobBytes, data, options)
  }

  pause(): void {
    const session = this.#session
    if (!session || session.paused) return
    this.audio.pause()
    if (storing(session, this.#consent.status)) this.#enqueue('session.paused', '{"reason":"pause"}')
    session.paused = true
    this.#status.publish({ state: 'paused' })
  }

  resume(): void {
    const session = this.#session
    if (!session || !session.paused) return
    session.paused = false
    if (storing(session, this.#consent.status)) this.#enqueue('session.resumed', '{"reason":"resume"}')
    this.audio.resume()
    this.#status.publish({ state: 'recording' })
  }

  async flush(): Promise<FlushResult> {
    if (this.#capture) await this.#capture() // the events it holds reach the queue first
    await this.#queue.flush()
    const { durable, dropped } = this.#status.counts
    return { durable, dropped }
  }

  async stop(reason = 'stopped'): Promise<StopResult | undefined> {
    if (!this.#session) return undefined
    await this.audio.stopAll()
    const session = this.#session
    if (!session) return undefined
    // Never stored (no consent): there is nothing to end.
    const stored = storing(session, this.#consent.status)
    if (stored) this.#enqueue('session.ended', JSON.stringify({ reason }))
    const ended = stored && this.#queue.post()
    this.#session = null
    this.#status.publish({ state: this.#closed ? 'closed' : 'idle', session: null })
    if (!ended) return undefined
    const outcome = await ended
    await this.flush()
    return { sessionId: session.id, lastSeq: outcome?.lastSeq ?? -1 }
  }

  close(): Promise<void> {
    this.#holders.cancel()
    return (this.#closing ??= this.#shutDown(false))
  }

  /** `released`: the last holder let go; a holder that takes the recorder again while it flushes keeps it open. */
  async #shutDown(released: boolean): Promise<void> {
    if (this.#capture) (await this.#capture()).stop()
    await this.audio.stopAll()
    await this.flush()
    if (released && this.#holders.held) {
      this.#closing = undefined
      return
    }
    this.#closed = true
    this.#session = null
    this.#queue.closeTail()
    this.#status.publish({ state: 'closed', session: null })
    await this.#queue.closeLease()
    await this.#link.close()
  }

  /** A closed recorder taken again (`retain()`: a provider mounted again): as new, its engine started on first use. */
  #reopen(): void {
    this.#closed = false
    this.#closing = undefined
    this.#link.reset()
    this.#queue.closeTail()
    this.#status.publish({ state: 'idle', ready: false, engine: null, storage: null })
  }

  async syncNow(): Promise<SyncStatus | null> {
    await this.flush()
    return this.#link.syncNow()
  }

  /** `ts`: the wall-clock time of the event when it is not now (an interaction logged after the fact). */
  #enqueue(type: string, data: string, checkpoint = false, ts?: number): void {
    const id = this.#session!.id
    const clock = this.#clock
    const at = clock.now()
    ts ??= clock.wallNow()
    if (this.#capture) void this.#capture().then((capture) => capture.gate.enqueue(id, type, data, checkpoint, ts, at))
    else this.#queue.push(id, type, data, checkpoint, ts, at)
  }

  keep(reason?: string): void {
    void this.#capture?.().then((capture) => capture.gate.keep(reason))
  }

  /** The session is over on the page (deleted, erased, consent withdrawn): nothing more is recorded into it. */
  #endSession(session: ActiveSession): void {
    if (this.#session !== session) return
    this.#session = null
    this.#status.publish({ state: 'idle', session: null })
  }

  #assertOpen(): void {
    if (this.#link.fatal) throw this.#link.fatal
    if (this.#closed) throw new TapedeckError('recorder_closed', 'The recorder is closed: create a new one.')
  }
}

import {
  INITIAL_STATUS,
  createRecorder,
  type AnnotationInput,
  type AudioApi,
  type ConsentApi,
  type EventData,
  type FlushResult,
  type RecordableEventType,
  type RecordOptions,
  type Recorder,
  type RecorderOptions,
  type RecorderStatus,
  type SessionInfo,
  type SessionsApi,
  type SnapshotInput,
  type StartOptions,
  type StopResult,
  type TranscriptInput,
} from '@tapedeck/core'

/** A recorder a provider owns: made on first use, closed when no provider holds it any more. */
export interface ManagedRecorder extends Recorder {
  /** A provider mounted: start the recorder now, and cancel a close that is waiting. */
  retain(): void
  /**
   * A provider unmounted: close the recorder, unless a provider takes it again before the next
   * task. React's StrictMode (and Fast Refresh) unmount and mount again in one go: that must not
   * close the recorder; a real unmount must.
   */
  release(): void
}

/**
 * A recorder that does nothing until it is used. `createRecorder()` starts a worker and opens
 * IndexedDB at once, so it must not run during render: React may render twice and keep one
 * result (StrictMode, concurrent rendering) and renders on the server. This handle is free to
 * make during render; the real recorder is made on the first call that needs it — a provider's
 * mount effect, or a child's effect or event handler, whichever comes first — so only ever in the
 * browser, and only once per mounted provider.
 */
export function createLazyRecorder(options: RecorderOptions, create: (options: RecorderOptions) => Recorder = createRecorder): ManagedRecorder {
  return new LazyRecorder(options, create)
}

class LazyRecorder implements ManagedRecorder {
  private current: Recorder | undefined
  private detach: (() => void) | undefined
  private closing: Promise<void> | undefined
  private users = 0
  private closeTimer: ReturnType<typeof setTimeout> | undefined
  private readonly listeners = new Set<() => void>()

  constructor(
    private readonly options: RecorderOptions,
    private readonly create: (options: RecorderOptions) => Recorder,
  ) {}

  private get recorder(): Recorder {
    if (this.current) return this.current
    if (typeof window === 'undefined') {
      throw new Error(
        'Tapedeck: the recorder runs in the browser only. Call it from an effect or an event handler, not during render (which also runs on the server).',
      )
    }
    const recorder = this.create(this.options)
    this.current = recorder
    this.detach = recorder.subscribe(this.notify)
    this.notify()
    return recorder
  }

  private readonly notify = () => {
    for (const listener of [...this.listeners]) listener()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  getSnapshot = (): RecorderStatus => this.current?.getSnapshot() ?? INITIAL_STATUS

  retain(): void {
    this.users++
    clearTimeout(this.closeTimer)
    this.closeTimer = undefined
    if (this.closing) {
      // Mounted again after a real close (an <Activity> shown again): a fresh recorder.
      this.detach?.()
      this.current = undefined
      this.closing = undefined
    }
    // Start now, even if nothing records yet: start-up recovers sessions a closed tab left open
    // and uploads what earlier pages stored.
    void this.recorder
  }

  release(): void {
    this.users = Math.max(0, this.users - 1)
    if (this.users > 0 || this.closeTimer !== undefined) return
    this.closeTimer = setTimeout(() => {
      this.closeTimer = undefined
      if (this.users === 0) void this.close().catch(() => undefined)
    }, 0)
  }

  close(): Promise<void> {
    clearTimeout(this.closeTimer)
    this.closeTimer = undefined
    if (!this.current) return Promise.resolve()
    this.closing ??= this.current.close()
    return this.closing
  }

  start(options?: StartOptions): Promise<SessionInfo> {
    return this.recorder.start(options)
  }

  record<T extends RecordableEventType>(type: T, data: EventData<T>, options?: RecordOptions): boolean {
    return this.recorder.record(type, data, options)
  }

  attach(...args: Parameters<Recorder['attach']>): ReturnType<Recorder['attach']> {
    return this.recorder.attach(...args)
  }

  transcript(segment: TranscriptInput): boolean {
    return this.recorder.transcript(segment)
  }

  erase(...args: Parameters<Recorder['erase']>): ReturnType<Recorder['erase']> {
    return this.recorder.erase(...args)
  }

  recordInteraction(...args: Parameters<Recorder['recordInteraction']>): string {
    return this.recorder.recordInteraction(...args)
  }

  snapshot(input: SnapshotInput): string {
    return this.recorder.snapshot(input)
  }

  annotate(input: AnnotationInput): string {
    return this.recorder.annotate(input)
  }

  pause(): void {
    this.recorder.pause()
  }

  resume(): void {
    this.recorder.resume()
  }

  flush(): Promise<FlushResult> {
    return this.recorder.flush()
  }

  stop(reason?: string): Promise<StopResult | undefined> {
    return this.recorder.stop(reason)
  }

  syncNow(): ReturnType<Recorder['syncNow']> {
    return this.recorder.syncNow()
  }

  ready(): Promise<void> {
    return this.recorder.ready()
  }

  readonly sessions: SessionsApi = {
    list: (query) => this.recorder.sessions.list(query),
    get: (id) => this.recorder.sessions.get(id),
    events: (id, options) => this.recorder.sessions.events(id, options),
    export: (id, format) => this.recorder.sessions.export(id, format),
    delete: (id) => this.recorder.sessions.delete(id),
    blobs: (id) => this.recorder.sessions.blobs(id),
    blob: (id, blobId, part) => this.recorder.sessions.blob(id, blobId, part),
  }

  readonly audio: AudioApi = {
    start: (source, options) => this.recorder.audio.start(source, options),
    stop: (track) => this.recorder.audio.stop(track),
    pause: (track) => this.recorder.audio.pause(track),
    resume: (track) => this.recorder.audio.resume(track),
  }

  readonly consent: ConsentApi = {
    grant: (scopes) => this.recorder.consent.grant(scopes),
    withdraw: (options) => this.recorder.consent.withdraw(options),
  }

  readonly deadLetters: Recorder['deadLetters'] = {
    list: () => this.recorder.deadLetters.list(),
    retry: (sessionId) => this.recorder.deadLetters.retry(sessionId),
    discard: (sessionId) => this.recorder.deadLetters.discard(sessionId),
  }
}

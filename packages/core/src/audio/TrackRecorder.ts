import { TapedeckError, toErrorInfo, type ErrorInfo, type TapedeckErrorCode } from '../errors'
import { AUDIO_OFF } from './audioOff'
import type { AudioSource, AudioStartOptions, AudioTrack, AudioTrackState, AudioTrackStatus } from './types'
import type { AudioEnv, AudioHost } from './AudioHost'
import { chooseMimeType } from './chooseMimeType'
import { checkSource, isRefused, openSource, type OpenedSource } from './openSource'

/** Shortest timeslice taken: shorter ones make a part (a record and an upload) many times a second. */
export const MIN_TIMESLICE_MS = 100
/** How long MediaRecorder is given to say it started, and to hand over its last slice at stop. */
const START_TIMEOUT_MS = 3000
const STOP_TIMEOUT_MS = 10_000

type PartMeta = { blobId: string; part: number; mimeType: string; startT: number; durationMs: number }

/** One MediaRecorder run: from a start to its `stop` event. */
interface Run {
  recorder: MediaRecorder
  source: OpenedSource
  blobId: string
  mimeType: string
  nextPart: number
  durable: number
  /** Session time the next slice starts at; null while paused (set again at resume). */
  sliceStart: number | null
  pausedAt: number | null
  /** Slices are stored one after another, in the order MediaRecorder handed them over. */
  chain: Promise<void>
  /** Set when the run ended on its own: a MediaRecorder error, or the source ended. */
  failure: { state: AudioTrackState; error: ErrorInfo } | null
  /** Session time at the start, and the page clock then: time goes on even without a session. */
  t0: number
  local0: number
  finished: Promise<void>
  finish: () => void
  cleanup: () => void
}

/**
 * Records one track (`input` or `output`): a MediaRecorder whose slices are stored one by one
 * through the host, each followed by its `audio.*` event. Never throws for the browser saying no.
 */
export class TrackRecorder {
  #run: Run | null = null
  /** Starts are taken one at a time; a stop cancels a start still waiting (for a permission prompt, say). */
  #starting: Promise<unknown> = Promise.resolve()
  #generation = 0

  readonly #track: AudioTrack
  readonly #host: AudioHost
  readonly #env: AudioEnv
  readonly #read: () => AudioTrackStatus
  readonly #write: (status: AudioTrackStatus) => void

  constructor(
    track: AudioTrack,
    host: AudioHost,
    env: AudioEnv,
    read: () => AudioTrackStatus,
    write: (status: AudioTrackStatus) => void,
  ) {
    this.#track = track
    this.#host = host
    this.#env = env
    this.#read = read
    this.#write = write
  }

  start(source: AudioSource, options: AudioStartOptions): Promise<AudioTrackStatus> {
    try {
      checkSource(source)
    } catch (error) {
      return Promise.reject(error)
    }
    const timesliceMs = options.timesliceMs ?? 1000
    if (!Number.isFinite(timesliceMs) || timesliceMs < MIN_TIMESLICE_MS) {
      return Promise.reject(new TapedeckError('invalid_options', `timesliceMs must be a number of at least ${MIN_TIMESLICE_MS}, got ${timesliceMs}.`))
    }
    const generation = ++this.#generation
    const attempt = this.#starting.then(() => this.#begin(source, timesliceMs, options.mimeType, generation))
    this.#starting = attempt.catch(() => undefined)
    return attempt
  }

  /** Stops the track; resolves once its last slice is stored (or could not be). */
  stop(): Promise<void> {
    this.#generation++
    if (!this.#run && this.#read().state === 'starting') this.#patch({ state: 'off' })
    return this.#close()
  }

  /** Closes the current run, if any: MediaRecorder stops, its last slice is stored. */
  async #close(): Promise<void> {
    const run = this.#run
    if (!run) return
    if (run.recorder.state !== 'inactive') {
      try {
        run.recorder.stop()
      } catch {
        // Already stopping: the `stop` event comes anyway.
      }
    }
    // MediaRecorder hands over its last slice and then says `stop`; should it never say so, the
    // run is closed after a while rather than hanging the recorder's stop().
    const timer = setTimeout(run.finish, STOP_TIMEOUT_MS)
    await run.finished
    clearTimeout(timer)
  }

  pause(): void {
    const run = this.#run
    if (!run || run.recorder.state !== 'recording') return
    try {
      // Cut the slice here, so that each part covers one stretch of time without a gap inside.
      run.recorder.requestData()
      run.recorder.pause()
    } catch {
      return
    }
    run.pausedAt = this.#now(run)
    this.#patch({ state: 'paused' })
  }

  resume(): void {
    const run = this.#run
    if (!run || run.recorder.state !== 'paused') return
    try {
      run.recorder.resume()
    } catch {
      return
    }
    run.pausedAt = null
    run.sliceStart = this.#now(run)
    this.#patch({ state: 'recording' })
  }

  // — internals —

  async #begin(source: AudioSource, timesliceMs: number, preferred: string | undefined, generation: number): Promise<AudioTrackStatus> {
    // Starting a track that records already replaces its source: the old run is closed first.
    if (this.#run) await this.#close()
    if (generation !== this.#generation) return this.#read()
    if (!this.#host.audioAllowed()) {
      return this.#fail('no-consent', 'consent_required', 'Audio consent has not been given: call consent.grant({ audio: true }) before audio.start().')
    }
    const t0 = this.#host.sessionTime()
    if (t0 === null) return this.#fail('off', 'no_active_session', 'No session is being recorded: call start() before audio.start().')
    const Recorder = this.#env.MediaRecorder
    if (!Recorder) return this.#fail('unsupported', 'audio_unsupported', 'This browser has no MediaRecorder: audio cannot be recorded.')
    const chosen = chooseMimeType(Recorder.isTypeSupported?.bind(Recorder), preferred)
    if (chosen === null) return this.#fail('unsupported', 'audio_unsupported', 'This browser cannot record any of the audio types Tapedeck asks for (WebM/Opus, MP4/AAC, Ogg/Opus).')

    this.#write({ ...AUDIO_OFF, state: 'starting' })
    const opened = await openSource(source, this.#env)
    if (generation !== this.#generation) {
      // stop() came while the source was opening (a permission prompt, say).
      if (!isRefused(opened)) opened.release()
      return this.#read()
    }
    if (isRefused(opened)) return this.#fail(opened.refused.state, opened.refused.code, opened.refused.message)
    // Consent could have been withdrawn, or the session ended, while the user answered a prompt.
    if (!this.#host.audioAllowed() || this.#host.sessionTime() === null) {
      opened.release()
      return this.#host.audioAllowed()
        ? this.#fail('off', 'no_active_session', 'The session ended before the audio source opened.')
        : this.#fail('no-consent', 'consent_required', 'Audio consent was withdrawn before the audio source opened.')
    }

    let recorder: MediaRecorder
    try {
      recorder = new Recorder(opened.stream, chosen ? { mimeType: chosen } : {})
    } catch (error) {
      opened.release()
      return this.#fail('unsupported', 'audio_unsupported', `MediaRecorder refused this source or type (${describe(error)}).`)
    }
    const run = this.#createRun(recorder, opened, chosen, t0)
    let startTimer: ReturnType<typeof setTimeout> | undefined
    const started = new Promise<void>((resolve) => {
      recorder.addEventListener('start', () => resolve(), { once: true })
      void run.finished.then(resolve)
      startTimer = setTimeout(resolve, START_TIMEOUT_MS)
    })
    try {
      recorder.start(timesliceMs)
    } catch (error) {
      run.cleanup()
      opened.release()
      return this.#fail('error', 'audio_failed', `MediaRecorder could not start (${describe(error)}).`)
    }
    this.#run = run
    this.#write({ ...AUDIO_OFF, state: 'starting', mimeType: run.mimeType, blobId: run.blobId })
    await started
    clearTimeout(startTimer)
    if (this.#run !== run) return this.#read()
    // The audio starts when MediaRecorder says so, not when it was asked to (~100 ms later).
    const startT = round(this.#now(run))
    run.sliceStart = startT
    if (recorder.mimeType) run.mimeType = recorder.mimeType
    this.#patch({ state: recorder.state === 'paused' ? 'paused' : 'recording', mimeType: run.mimeType, startT })
    return this.#read()
  }

  #createRun(recorder: MediaRecorder, source: OpenedSource, mimeType: string, t0: number): Run {
    let finish!: () => void
    const finished = new Promise<void>((resolve) => (finish = resolve))
    const run: Run = {
      recorder,
      source,
      blobId: this.#host.newId('a_'),
      mimeType: mimeType || recorder.mimeType || 'audio/webm',
      nextPart: 0,
      durable: 0,
      sliceStart: null,
      pausedAt: null,
      chain: Promise.resolve(),
      failure: null,
      t0,
      local0: performance.now(),
      finished,
      finish: () => {},
      cleanup: () => {},
    }

    const onData = (event: BlobEvent) => {
      const end = run.pausedAt ?? this.#now(run)
      const start = run.sliceStart ?? end
      run.sliceStart = run.pausedAt === null ? end : null
      const data = event.data
      if (!data || data.size === 0) return
      const meta: PartMeta = {
        blobId: run.blobId,
        part: run.nextPart++,
        mimeType: run.mimeType,
        startT: round(start),
        durationMs: round(Math.max(0, end - start)),
      }
      if (this.#run === run) this.#patch({ parts: run.nextPart })
      run.chain = run.chain.then(() => this.#storePart(run, data, meta))
    }
    const onError = (event: Event) => {
      const cause = (event as ErrorEvent & { error?: unknown }).error
      this.#failRun(run, 'error', `Recording the ${this.#track} audio failed (${describe(cause)}); the parts stored so far are kept.`)
      // MediaRecorder stops after an error and says so; should it not, the run is closed anyway.
      setTimeout(run.finish, STOP_TIMEOUT_MS)
    }
    const onEnded = () => {
      if (run.source.stream.getAudioTracks().some((track) => track.readyState !== 'ended')) return
      this.#failRun(run, 'off', `The ${this.#track} audio source ended (a microphone unplugged or its permission revoked, or the stream's track stopped); the parts stored so far are kept.`)
      if (recorder.state !== 'inactive') {
        try {
          recorder.stop()
        } catch {
          // Stopping on its own already.
        }
      }
    }
    const tracks = source.stream.getAudioTracks()
    recorder.addEventListener('dataavailable', onData)
    recorder.addEventListener('error', onError)
    for (const track of tracks) track.addEventListener('ended', onEnded)
    run.cleanup = () => {
      recorder.removeEventListener('dataavailable', onData)
      recorder.removeEventListener('error', onError)
      recorder.removeEventListener('stop', onStop)
      for (const track of tracks) track.removeEventListener('ended', onEnded)
    }
    let closing = false
    // Closes the run once: waits for the slices in hand, lets go of the source, says how it ended.
    run.finish = () => {
      if (closing) return
      closing = true
      void run.chain.then(() => {
        run.cleanup()
        run.source.release()
        if (this.#run === run) {
          this.#run = null
          this.#patch(run.failure ? { state: run.failure.state, error: run.failure.error } : { state: 'off' })
        }
        finish()
      })
    }
    const onStop = () => run.finish()
    recorder.addEventListener('stop', onStop)
    return run
  }

  async #storePart(run: Run, data: Blob, meta: PartMeta): Promise<void> {
    // A slice that arrives after the user withdrew audio consent is not kept.
    if (!this.#host.audioAllowed()) return
    try {
      const bytes = await data.arrayBuffer()
      const size = bytes.byteLength // the buffer is transferred to the worker: read its size first
      await this.#host.attach(bytes, { ...meta, track: this.#track })
      run.durable++
      if (this.#run === run || this.#read().blobId === run.blobId) this.#patch({ durableParts: run.durable })
      try {
        this.#host.record(this.#track === 'input' ? 'audio.input' : 'audio.output', { ...meta, bytes: size })
      } catch {
        // The recorder has reported why (a session that ended, say); the part itself is stored.
      }
    } catch (error) {
      const info = toErrorInfo(error, 'audio_failed')
      const described: ErrorInfo = { ...info, message: `Audio part ${meta.part} of ${meta.blobId} could not be stored: ${info.message}` }
      this.#host.report(described)
      if (this.#run === run || this.#read().blobId === run.blobId) this.#patch({ error: described })
    }
  }

  #failRun(run: Run, state: AudioTrackState, message: string): void {
    if (run.failure) return
    const error: ErrorInfo = { code: 'audio_failed', message, at: Date.now() }
    run.failure = { state, error }
    this.#host.report(error)
    if (this.#run === run) this.#patch({ error })
  }

  #fail(state: AudioTrackState, code: TapedeckErrorCode, message: string): AudioTrackStatus {
    const error: ErrorInfo = { code, message, at: Date.now() }
    this.#host.report(error)
    this.#write({ ...AUDIO_OFF, state, error })
    return this.#read()
  }

  /** Session time now; with no session (it ended under a running track), the page clock carries on. */
  #now(run: Run): number {
    return this.#host.sessionTime() ?? run.t0 + (performance.now() - run.local0)
  }

  #patch(change: Partial<AudioTrackStatus>): void {
    this.#write({ ...this.#read(), ...change })
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}

function describe(error: unknown): string {
  if (error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException)) return `${error.name}: ${error.message}`
  return String(error)
}

import { Store, type JsonObject, type SnapshotCreatedData, type TapedeckEvent } from '@tapedeck/core'
import { annotate } from '../annotations/annotate'
import type { Annotation, AnnotationInput } from '../annotations/Annotation'
import { playerError } from '../playerError'
import type { Recording } from '../recording/Recording'
import { DEFAULT_CHECKPOINT_EVERY, PlaybackIndex } from './PlaybackIndex'
import { upperBound } from '../util/upperBound'
import type { PlaybackState, ResumeSnapshot } from './PlaybackState'

/**
 * Time for real-time playback, injectable for tests: `now()` in ms, and a way to be called back
 * soon (the next animation frame in a browser).
 */
export interface PlaybackScheduler {
  now(): number
  request(callback: () => void): unknown
  cancel(handle: unknown): void
}

export interface ReplayPlayerOptions {
  /** Events between two checkpoints of the seek index. Default 128. */
  checkpointEvery?: number
  /** Default: requestAnimationFrame where there is one, else a 16 ms timer. */
  scheduler?: PlaybackScheduler
  /** Playback speed, > 0. Default 1. */
  rate?: number
  /** Initial playhead, ms. Default 0. */
  position?: number
}

/** What `subscribe` listeners read with `getSnapshot()`: a new object on every change. */
export interface PlayerSnapshot {
  /** Playhead, ms since the session started, within 0…duration. */
  position: number
  duration: number
  playing: boolean
  rate: number
  /** The playhead is at the end. */
  ended: boolean
  state: PlaybackState
  /** The events the last move passed over (`advance`, or a playback frame); empty after a seek. */
  passed: readonly TapedeckEvent[]
}

/** A plain number is a seq; `{ t }` is a time in ms. */
export type SnapshotAt = number | { seq: number } | { t: number }

function defaultScheduler(): PlaybackScheduler {
  const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now())
  if (typeof requestAnimationFrame === 'function' && typeof cancelAnimationFrame === 'function') {
    return { now, request: (callback) => requestAnimationFrame(() => callback()), cancel: (handle) => cancelAnimationFrame(handle as number) }
  }
  return {
    now,
    request: (callback) => setTimeout(callback, 16),
    cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  }
}

function checkRate(rate: number): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) throw playerError('invalid_options', `rate must be a finite number above 0, not ${String(rate)}.`)
  return rate
}

/**
 * Core's Store (the recorder's listener contract, and its care for a listener that throws), plus
 * what only a player needs: a snapshot recomputed while it is read, when no listener may run
 * (React reads during render), and forgetting every listener on dispose.
 */
class PlayerStore extends Store<PlayerSnapshot> {
  replaceQuietly(snapshot: PlayerSnapshot): void {
    this.snapshot = snapshot
  }

  clear(): void {
    this.listeners.clear()
  }
}

/**
 * Replays a recording: a playhead over its timeline, the state at any position, and real-time
 * playback. Follows the `subscribe(listener) → unsubscribe` + `getSnapshot()` contract, so React's
 * `useSyncExternalStore` reads it as it is.
 *
 * Seeking costs O(log n + K): a binary search on event times, then a fold of at most K events
 * from the nearest checkpoint (K = `checkpointEvery`).
 */
export class ReplayPlayer {
  readonly recording: Recording
  private readonly index: PlaybackIndex
  private readonly scheduler: PlaybackScheduler
  private readonly store: PlayerStore
  private handle: unknown = undefined
  private lastTick = 0
  private annotationsSeen: readonly Annotation[]

  constructor(recording: Recording, options: ReplayPlayerOptions = {}) {
    this.recording = recording
    this.index = new PlaybackIndex(recording, options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY)
    this.scheduler = options.scheduler ?? defaultScheduler()
    this.annotationsSeen = recording.annotations
    const position = this.clamp(options.position ?? 0)
    this.store = new PlayerStore(this.makeSnapshot(position, false, checkRate(options.rate ?? 1), []))
  }

  /** The last `t` of the recording, or the end of its last audio part or transcript segment if later. */
  get duration(): number {
    return this.index.duration
  }

  get position(): number {
    return this.snapshot.position
  }

  get rate(): number {
    return this.snapshot.rate
  }

  set rate(rate: number) {
    this.setRate(rate)
  }

  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener)

  getSnapshot = (): PlayerSnapshot => {
    // An annotation added with `annotate(recording, …)` shows on the next read; listeners are
    // not called from here (React calls this during render): `player.annotate()` tells them.
    if (this.recording.annotations !== this.annotationsSeen) {
      this.annotationsSeen = this.recording.annotations
      const { position, playing, rate, passed } = this.snapshot
      this.store.replaceQuietly(this.makeSnapshot(position, playing, rate, passed))
    }
    return this.snapshot
  }

  /** The state at the playhead. */
  getState(): PlaybackState {
    return this.getSnapshot().state
  }

  /** The state at any position (ms), without moving the playhead. */
  getStateAt(position: number): PlaybackState {
    return this.index.stateAt(this.clamp(position))
  }

  /** Moves the playhead (clamped to 0…duration); playback, if on, continues from there. */
  seek(position: number): PlaybackState {
    const target = this.clamp(position)
    this.lastTick = this.scheduler.now()
    this.update(target, this.snapshot.playing, this.snapshot.rate, [])
    return this.snapshot.state
  }

  /**
   * Moves the playhead forward by `ms` (to the end at most) and returns the events passed over:
   * those with `position < t <= position + ms`. A negative `ms` moves back and passes nothing.
   */
  advance(ms: number): TapedeckEvent[] {
    if (typeof ms !== 'number' || Number.isNaN(ms)) throw playerError('invalid_options', 'advance() takes a number of milliseconds.')
    return this.moveBy(ms, this.snapshot.playing)
  }

  /** Starts real-time playback at `rate` (from the start when at the end). */
  play(): void {
    if (this.snapshot.playing) return
    const from = this.snapshot.ended ? 0 : this.snapshot.position
    this.lastTick = this.scheduler.now()
    this.update(from, true, this.snapshot.rate, [])
    this.handle = this.scheduler.request(this.tick)
  }

  pause(): void {
    if (!this.snapshot.playing) return
    this.stopTimer()
    this.update(this.snapshot.position, false, this.snapshot.rate, this.snapshot.passed)
  }

  setRate(rate: number): void {
    checkRate(rate)
    if (rate === this.snapshot.rate) return
    if (this.snapshot.playing) this.tick(false) // time so far runs at the old rate
    this.update(this.snapshot.position, this.snapshot.playing, rate, this.snapshot.passed)
  }

  /**
   * The state captured by the last `snapshot.created` at or before a seq (a plain number) or a
   * time (`{ t }`), to resume a conversation from; `null` when there is none.
   */
  snapshotAt(at: SnapshotAt): ResumeSnapshot | null {
    const snapshots = this.index.snapshots
    let found: (typeof snapshots)[number] | undefined
    if (typeof at === 'number' || 'seq' in at) {
      const seq = typeof at === 'number' ? at : at.seq
      let lo = 0
      let hi = snapshots.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (snapshots[mid]!.seq <= seq) lo = mid + 1
        else hi = mid
      }
      found = snapshots[lo - 1]
    } else {
      const applied = upperBound(this.index.times, at.t)
      let lo = 0
      let hi = snapshots.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (snapshots[mid]!.index < applied) lo = mid + 1
        else hi = mid
      }
      found = snapshots[lo - 1]
    }
    if (!found) return null
    const data = this.recording.events[found.index]!.data as SnapshotCreatedData
    const state: JsonObject = typeof data.state === 'object' && data.state !== null ? data.state : {}
    const resume: ResumeSnapshot = { snapshotId: found.snapshotId, seq: found.seq, t: found.t, state }
    if (found.description !== undefined) resume.description = found.description
    if (Array.isArray(state.messages)) resume.messages = state.messages
    const system = typeof state.systemPrompt === 'string' ? state.systemPrompt : typeof state.system === 'string' ? state.system : undefined
    if (system !== undefined) resume.systemPrompt = system
    if (typeof state.model === 'string') resume.model = state.model
    if (Array.isArray(state.tools)) resume.tools = state.tools
    return resume
  }

  /** Adds an external annotation (see `annotate`) and shows it at once. */
  annotate(input: AnnotationInput): Annotation {
    const annotation = annotate(this.recording, input)
    this.refresh()
    return annotation
  }

  /** Recomputes the state at the playhead (after `recording.annotations` changed). */
  refresh(): void {
    this.annotationsSeen = this.recording.annotations
    this.update(this.snapshot.position, this.snapshot.playing, this.snapshot.rate, this.snapshot.passed)
  }

  /** Stops playback and forgets every listener. */
  dispose(): void {
    this.stopTimer()
    if (this.snapshot.playing) this.store.replaceQuietly({ ...this.snapshot, playing: false })
    this.store.clear()
  }

  // — internals —

  private readonly tick = (schedule = true): void => {
    if (schedule) this.handle = undefined
    if (!this.snapshot.playing) return
    const now = this.scheduler.now()
    const elapsed = Math.max(0, now - this.lastTick) * this.snapshot.rate
    this.lastTick = now
    const atEnd = this.snapshot.position + elapsed >= this.index.duration
    this.moveBy(elapsed, !atEnd)
    if (atEnd) this.stopTimer()
    else if (schedule) this.handle = this.scheduler.request(this.tick)
  }

  private stopTimer(): void {
    if (this.handle !== undefined) this.scheduler.cancel(this.handle)
    this.handle = undefined
  }

  private moveBy(ms: number, playing: boolean): TapedeckEvent[] {
    const from = this.snapshot.position
    const to = this.clamp(from + ms)
    let passed: TapedeckEvent[] = []
    if (to > from) {
      const start = this.index.appliedAt(from)
      const end = this.index.appliedAt(to)
      passed = this.recording.events.slice(start, end) as TapedeckEvent[]
    }
    this.update(to, playing, this.snapshot.rate, passed)
    return passed
  }

  private clamp(position: number): number {
    if (typeof position !== 'number' || Number.isNaN(position)) throw playerError('invalid_options', 'A playhead position is a number of milliseconds.')
    return Math.min(Math.max(0, position), this.index.duration)
  }

  private makeSnapshot(position: number, playing: boolean, rate: number, passed: readonly TapedeckEvent[]): PlayerSnapshot {
    return {
      position,
      duration: this.index.duration,
      playing,
      rate,
      ended: position >= this.index.duration,
      state: this.index.stateAt(position),
      passed,
    }
  }

  /** The snapshot as it stands, without the annotation check of `getSnapshot()`. */
  private get snapshot(): PlayerSnapshot {
    return this.store.getSnapshot()
  }

  // Every field of a PlayerSnapshot is required, so the store's merge replaces them all.
  private update(position: number, playing: boolean, rate: number, passed: readonly TapedeckEvent[]): void {
    this.store.update(this.makeSnapshot(position, playing, rate, passed))
  }
}

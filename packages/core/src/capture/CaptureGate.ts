import type { JsonObject } from '../events/catalogue'
import type { RecorderStatus } from '../client/types'
import { OnErrorBuffer, type HeldEvent } from './OnErrorBuffer'
import { pageContext } from './pageContext'
import { startedSampling } from './sessionSampled'
import { withMember } from '../util/withMember'
import type { CaptureOptions } from './captureOptions'
import type { Clock } from '../util/clock'
import type { StoredWindow, WindowStore } from './WindowStore'

/** What the gate needs of the recorder. */
export interface GateHost {
  /** Hands an event to the recorder's queue, with the times it was accepted at (`at`: the page's monotonic clock). */
  push(sessionId: string, type: string, data: string, checkpoint: boolean, ts: number, at: number): void
  publish(patch: Partial<RecorderStatus>): void
  clock: Clock
}

interface GatedSession {
  id: string
  sampled: boolean
  /** On-error mode, until a trigger: the window, and the session's `session.started`. */
  buffer?: OnErrorBuffer
  started?: HeldEvent
}

const NEGATIVE_RATINGS = new Set(['down', 'negative', 'bad', 'thumbs-down', 'thumbs_down', 'thumbsdown', '👎'])
const KEPT_MARK = 'tapedeck:kept:'

/**
 * Decides, event by event, what the recorder keeps (docs/capture.md): whether the session is in
 * the sample (`sampleRate`, decided from its id), which events of a sampled type (`sample`) are
 * kept, and — in `mode: 'on-error'` — holds the last `bufferMs` of events until a trigger, then
 * hands the window and everything after it to the queue as one gapless session.
 */
export class CaptureGate {
  readonly #options: CaptureOptions
  readonly #host: GateHost
  readonly #random: () => number
  readonly #bufferMs: number
  #session: GatedSession | undefined
  /** On-error mode: the window on disk, and what earlier pages left there (a session they began, resumed here). */
  readonly #store: WindowStore | undefined
  readonly #restored: Map<string, StoredWindow>

  constructor(options: CaptureOptions, host: GateHost, store?: WindowStore, restored = new Map<string, StoredWindow>()) {
    this.#options = options
    this.#host = host
    this.#store = store
    this.#restored = restored
    this.#random = options.random ?? Math.random
    this.#bufferMs = options.bufferMs ?? 60_000
  }

  enqueue(sessionId: string, type: string, data: string, checkpoint: boolean, ts: number, at: number): void {
    if (type === 'session.started') data = this.#begin(sessionId, data)
    const session = this.#session
    if (session?.id !== sessionId) return this.#host.push(sessionId, type, data, checkpoint, ts, at)
    if (!session.sampled) return
    const rate = this.#options.sample?.[type as keyof CaptureOptions['sample']]
    if (rate !== undefined) {
      if (this.#random() >= rate) return
      data = withMember(data, 'sampleRate', rate)
    }
    const buffer = session.buffer
    if (!buffer) return this.#host.push(sessionId, type, data, checkpoint, ts, at)
    const event: HeldEvent = { type, data, checkpoint, ts, at }
    if (type === 'session.started' && !session.started) {
      session.started = event
      this.#store?.add(sessionId, event, true)
      return
    }
    if (type === 'session.ended') {
      // Never triggered: nothing of it is kept.
      this.#session = undefined
      void this.#store?.drop(sessionId)
      return
    }
    buffer.add(event)
    this.#store?.add(sessionId, event)
    const reason = this.#trigger(type, data)
    if (reason) this.#keep(session, event.at, reason)
  }

  /** The app asked to keep the session (`recorder.keep(reason)`). */
  keep(detail?: string): void {
    const session = this.#session
    if (session?.buffer) this.#keep(session, this.#host.clock.now(), 'keep', detail)
  }

  /** The recorder closes: an untriggered window goes with it. */
  close(): void {
    this.#session = undefined
  }

  #begin(id: string, started: string): string {
    const { mode, autoCapture } = this.#options
    const { sampled, data } = startedSampling(id, started, this.#options)
    const onError = mode === 'on-error' && !keptBefore(id)
    this.#session = { id, sampled, ...(onError && { buffer: new OnErrorBuffer(this.#bufferMs) }) }
    const restored = onError && sampled ? this.#restored.get(id) : undefined
    if (restored) {
      // The session began on an earlier page that never triggered: its start and window come first,
      // and this page's `session.started` follows them in the window, as a resumed session's does.
      this.#restored.delete(id)
      this.#session.started = restored.started
      for (const event of restored.events) this.#session.buffer!.add(event)
    }
    this.#host.publish({ sampled, ...(mode === 'on-error' && { kept: !onError }) })
    if (autoCapture === true || (typeof autoCapture === 'object' && autoCapture.context)) return withMember(data, 'context', pageContext())
    return data
  }

  /** What makes an on-error session worth keeping, if this event does. */
  #trigger(type: string, data: string): string | undefined {
    if (type === 'provider.call.failed' || type === 'error.raised') return type
    const keepWhen = this.#options.keepWhen
    if (type !== 'feedback.submitted' && !keepWhen) return undefined
    let parsed: JsonObject
    try {
      parsed = JSON.parse(data) as JsonObject
    } catch {
      return undefined
    }
    if (type === 'feedback.submitted' && negative(parsed.rating)) return type
    try {
      if (keepWhen?.({ type, data: parsed })) return 'predicate'
    } catch {
      // A predicate that throws keeps nothing and breaks nothing.
    }
    return undefined
  }

  /** The window before `now` (the trigger's time) and the session's start go to the queue, in order, with the times they were recorded at. */
  #keep(session: GatedSession, now: number, reason: string, detail?: string): void {
    const buffer = session.buffer!
    const window = buffer.take(now)
    const discarded = buffer.discarded
    session.buffer = undefined
    markKept(session.id)
    void this.#store?.drop(session.id)
    const { id } = session
    const push = (event: HeldEvent) => this.#host.push(id, event.type, event.data, event.checkpoint, event.ts, event.at)
    if (session.started) push(session.started)
    const first = window[0]
    const at = first?.at ?? this.#host.clock.now()
    const ts = first?.ts ?? this.#host.clock.wallNow()
    const kept = { reason, ...(detail !== undefined && { detail: String(detail).slice(0, 200) }), bufferMs: buffer.windowMs, discarded }
    push({ type: 'session.kept', data: JSON.stringify(kept), checkpoint: true, ts, at })
    for (const event of window) push(event)
    session.started = undefined
    this.#host.publish({ kept: true })
  }
}

function negative(rating: unknown): boolean {
  if (typeof rating === 'number') return rating <= 0
  return typeof rating === 'string' && NEGATIVE_RATINGS.has(rating.toLowerCase())
}

/** A session kept on this tab stays kept across its reloads (sessionStorage is per tab). */
function keptBefore(id: string): boolean {
  try {
    return sessionStorage.getItem(KEPT_MARK + id) !== null
  } catch {
    return false
  }
}

function markKept(id: string): void {
  try {
    sessionStorage.setItem(KEPT_MARK + id, '1')
  } catch {
    // No sessionStorage: a reload buffers again until the next trigger.
  }
}

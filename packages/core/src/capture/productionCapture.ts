import type { RecorderStatus } from '../client/types'
import type { RecorderLike } from '../instrument/safeRecorder'
import type { Clock } from '../util/clock'
import type { CaptureOptions } from './captureOptions'
import type { StartedCapture } from './startCapture'

/** What the capture options need of the recorder. */
export interface CaptureHost {
  clock: Clock
  /** The queue's `push`: its clock is {@link ProductionCapture.clock}. */
  push(sessionId: string, type: string, data: string, checkpoint: boolean, ts?: number): void
  publish(patch: Partial<RecorderStatus>): void
  recorder: RecorderLike
  /** The recorder's backend: its own uploads are never captured or given trace headers. */
  endpoint?: string
}

/** The recorder's side of the capture options: every event passes through `enqueue`. */
export interface ProductionCapture {
  /** The queue's clock: a held event goes to the queue with the time it was recorded at. */
  readonly clock: Clock
  enqueue(sessionId: string, type: string, data: string, checkpoint: boolean, ts?: number): void
  /** Loads the capture code once (a chunk of its own) and hands it what was held meanwhile; rejects with `invalid_options`. */
  ready(): Promise<void>
  /** Keeps the on-error session being recorded (`recorder.keep`). */
  keep(reason?: string): void
  /** Stops what the capture watches (reporting Web Vitals first) and forgets an untriggered window. */
  close(): void
}

type Held = [sessionId: string, type: string, data: string, checkpoint: boolean, ts: number, at: number]

/**
 * `undefined` unless an option of docs/capture.md is set: a recorder without them carries this
 * stub and no more, the rest is a chunk loaded on first use. Until it has loaded, events wait here
 * with their times and are handed over in order; if it cannot load, or the options are wrong
 * (`start()` rejects), they go to the queue as if the options were not set.
 */
export function productionCapture(options: CaptureOptions, host: CaptureHost): ProductionCapture | undefined {
  const { sampleRate, sample, mode, autoCapture, propagate } = options
  if (sampleRate === undefined && !sample && !mode && !autoCapture && !propagate) return undefined
  const { clock } = host
  let pinned: number | undefined
  let started: StartedCapture | undefined
  let loading: Promise<void> | undefined
  const held: Held[] = []
  const push = (...[sessionId, type, data, checkpoint, ts, at]: Held) => {
    pinned = at
    try {
      host.push(sessionId, type, data, checkpoint, ts)
    } finally {
      pinned = undefined
    }
  }
  const take = (capture: StartedCapture) => {
    started = capture
    for (const event of held.splice(0)) capture.gate.enqueue(...event)
  }
  const ready = () =>
    (loading ??= import('./startCapture').then(
      ({ startCapture }) => take(startCapture(options, { ...host, push, now: () => clock.now() })),
      (error: unknown) => {
        take({ gate: { enqueue: push, keep() {}, close() {} }, stop() {} })
        throw error
      },
    ))
  return {
    clock: { now: () => pinned ?? clock.now(), wallNow: () => clock.wallNow() },
    enqueue(...event) {
      const args: Held = [event[0], event[1], event[2], event[3], event[4] ?? clock.wallNow(), clock.now()]
      if (started) started.gate.enqueue(...args)
      else {
        held.push(args)
        ready().catch(() => undefined)
      }
    },
    ready,
    keep: (reason) => void ready().then(() => started!.gate.keep(reason), () => undefined),
    close() {
      started?.stop()
      started?.gate.close()
    },
  }
}

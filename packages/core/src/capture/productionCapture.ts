import type { RecorderStatus } from '../client/types'
import type { RecorderLike } from '../instrument/safeRecorder'
import type { Clock } from '../util/clock'
import { wantsCapture, type CaptureOptions } from './captureOptions'
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
  /** Loads the capture code once (it is a separate chunk) and hands it what was held meanwhile. */
  ready(): Promise<void>
  /** Keeps the on-error session being recorded (`recorder.keep`). */
  keep(reason?: string): void
  /** Stops what the capture watches (reporting Web Vitals first) and forgets an untriggered window. */
  close(): void
}

type Held = [sessionId: string, type: string, data: string, checkpoint: boolean, ts: number, at: number]

/**
 * `undefined` unless an option of docs/capture.md is set, so a recorder without them pays a few
 * bytes: the rest loads on first use. Until it has loaded, events are held here (with their times)
 * and handed over in order; if it cannot load, they go to the queue as if the options were not set.
 */
export function productionCapture(options: CaptureOptions, host: CaptureHost): ProductionCapture | undefined {
  if (!wantsCapture(options)) return undefined
  const { clock } = host
  let pinned: number | undefined
  let started: StartedCapture | undefined
  let loading: Promise<void> | undefined
  const held: Held[] = []
  const push = (sessionId: string, type: string, data: string, checkpoint: boolean, ts: number, at: number) => {
    pinned = at
    try {
      host.push(sessionId, type, data, checkpoint, ts)
    } finally {
      pinned = undefined
    }
  }
  const ready = () =>
    (loading ??= import('./startCapture')
      .then(({ startCapture }) => startCapture(options, { ...host, push, now: () => clock.now() }))
      .catch(() => ({ gate: { enqueue: push, keep() {}, close() {} }, stop() {} }))
      .then((capture) => {
        started = capture
        for (const event of held.splice(0)) capture.gate.enqueue(...event)
      }))
  return {
    clock: { now: () => pinned ?? clock.now(), wallNow: () => clock.wallNow() },
    enqueue(sessionId, type, data, checkpoint, ts) {
      if (started) return started.gate.enqueue(sessionId, type, data, checkpoint, ts ?? clock.wallNow(), clock.now())
      held.push([sessionId, type, data, checkpoint, ts ?? clock.wallNow(), clock.now()])
      void ready()
    },
    ready,
    keep: (reason) => void ready().then(() => started!.gate.keep(reason)),
    close() {
      started?.stop()
      started?.gate.close()
    },
  }
}

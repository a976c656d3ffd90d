/**
 * For apps that hold the Realtime events themselves (a transport of their own, an SDK that hides
 * the socket): hand each server and client event over, as parsed objects or JSON text, and they
 * are folded exactly as `recordRealtime` folds a connection's.
 */
import type { Recorder } from '../client/types'
import type { InstrumentStats } from '../instrument/safeRecorder'
import { createRealtimeFolder } from './RealtimeFolder'
import type { RecordRealtimeOptions } from './recordRealtime'
import { sessionClock } from './sessionClock'

export interface RealtimeEventsRecording {
  /** An event the server sent (object or JSON text). */
  server(event: unknown): void
  /** An event the app sent (object or JSON text). */
  client(event: unknown): void
  /** Responses still open are recorded as aborted. */
  stop(): void
  readonly stats: InstrumentStats
}

const read = (event: unknown): unknown => {
  if (typeof event !== 'string') return event
  try {
    return JSON.parse(event)
  } catch {
    return undefined
  }
}

export function recordRealtimeEvents(recorder: Pick<Recorder, 'record' | 'getSnapshot'>, options: Pick<RecordRealtimeOptions, 'model' | 'prices' | 'onError'> = {}): RealtimeEventsRecording {
  const folder = createRealtimeFolder(recorder, { now: sessionClock(recorder), model: options.model, prices: options.prices, onError: options.onError })
  let stopped = false
  return {
    server: (event) => void (stopped || folder.server(read(event))),
    client: (event) => void (stopped || folder.client(read(event))),
    stop() {
      if (stopped) return
      stopped = true
      folder.close('stopped')
    },
    stats: folder.safe.stats,
  }
}

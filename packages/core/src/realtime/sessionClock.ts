/**
 * Session time (`t`, ms since the session started) now, read from the recorder's public snapshot;
 * before a session has started, ms since this clock was made.
 */
import type { Recorder } from '../client/types'

export function sessionClock(recorder: Pick<Recorder, 'getSnapshot'>): () => number {
  const t0 = performance.timeOrigin + performance.now()
  return () => {
    let startedAt: number | null | undefined
    try {
      startedAt = recorder.getSnapshot().session?.startedAt
    } catch {
      // a recorder that cannot tell: the clock's own start
    }
    return performance.timeOrigin + performance.now() - (startedAt ?? t0)
  }
}

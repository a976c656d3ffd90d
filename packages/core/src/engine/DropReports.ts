import type { PendingEvent } from '../events/serialize'

/** Events of a session given up; `unstored`: the seqs of stamped batches among them, each explained by a `seq.skipped`. */
export interface DropReport {
  count: number
  reason: string
  unstored?: Array<{ from: number; to: number }>
}

/**
 * Events given up per session (a full store, a failed write), until a stored batch of the session
 * reports them: a `recorder.dropped` at its head (`withDropReport`).
 */
export class DropReports extends Map<string, DropReport> {
  /** `count` more events of the session were given up; `unstored`: the seqs the page gave them. */
  add(sessionId: string, count: number, reason: string, unstored?: { from: number; to: number }): void {
    const previous = this.get(sessionId)
    const ranges = [...(previous?.unstored ?? []), ...(unstored ? [unstored] : [])]
    this.set(sessionId, { count: (previous?.count ?? 0) + count, reason, ...(ranges.length > 0 && { unstored: ranges }) })
  }

  /** A stored batch reported `count` of them (all, when not given; the session went, too). */
  reported(sessionId: string, count = Infinity): void {
    const pending = this.get(sessionId)
    if (pending && pending.count > count) this.set(sessionId, { ...pending, count: pending.count - count })
    else this.delete(sessionId)
  }
}

/** Puts a `recorder.dropped` report at the head of a batch (after its `session.started`, if any). */
export function withDropReport(events: PendingEvent[], report: DropReport, at = events[0]!): PendingEvent[] {
  const dropped: PendingEvent = { type: 'recorder.dropped', data: JSON.stringify({ count: report.count, reason: report.reason }), ts: at.ts, at: at.at }
  const [first, ...rest] = events
  return first?.type === 'session.started' ? [first, dropped, ...rest] : [dropped, ...events]
}

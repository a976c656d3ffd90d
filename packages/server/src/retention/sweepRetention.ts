import { ServerError } from '../ServerError.js'
import type { EraseReport, SessionStore } from '../store/SessionStore.js'

export interface RetentionOptions {
  /** Sessions whose last write (events or blobs, as received) is older than this are erased, except held ones. */
  retentionMs: number
  /** The clock, epoch ms. Default Date.now. */
  now?: () => number
}

export interface RetentionReport extends EraseReport {
  /** The cut-off, epoch ms: sessions last written before it were erased, or kept because held. */
  before: number
}

/** One retention pass: erases every session last written more than `retentionMs` ago that is not held. */
export async function sweepRetention(store: SessionStore, { retentionMs, now = Date.now }: RetentionOptions): Promise<RetentionReport> {
  checkRetentionMs(retentionMs)
  const before = now() - retentionMs
  return { before, ...(await store.purgeInactive(before)) }
}

export function checkRetentionMs(retentionMs: number): void {
  if (!(Number.isFinite(retentionMs) && retentionMs > 0)) {
    throw new ServerError('invalid_options', `retentionMs must be a positive number of milliseconds, not ${retentionMs}.`)
  }
}

import type { SeqRange } from '@tapedeck/core'
import type { WireEvent } from '../store/SessionStore.js'
import { isRecord } from './isRecord.js'

/**
 * The seqs a `seq.skipped` marker explains (docs/protocol.md §1, "Explained gaps"): `data.from`
 * to `data.to`, whole numbers with 0 <= from <= to, not holding the marker's own seq. Any other
 * event, or a marker that breaks these rules (a sealed one too), explains nothing: its range
 * still reads as a gap.
 */
export function skippedRange(event: WireEvent): SeqRange | null {
  if (event.type !== 'seq.skipped' || !isRecord(event.data)) return null
  const { from, to } = event.data
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return null
  const range = { from: from as number, to: to as number }
  if (range.from < 0 || range.from > range.to || (event.seq >= range.from && event.seq <= range.to)) return null
  return range
}

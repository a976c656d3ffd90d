import type { SeqRange } from '../protocol/readApi'

/**
 * The seqs a `seq.skipped` marker explains (docs/protocol.md §1, "Explained gaps"): `data.from`
 * to `data.to`, whole numbers with 0 <= from <= to, not holding the marker's own seq. Any other
 * event, or a marker that breaks these rules (a sealed one too), explains nothing (`null`).
 */
export function skippedRange(event: { seq: number; type: string; data: unknown }): SeqRange | null {
  if (event.type !== 'seq.skipped' || typeof event.data !== 'object' || event.data === null) return null
  const { from, to } = event.data as Record<string, unknown>
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return null
  const range = { from: from as number, to: to as number }
  if (range.from < 0 || range.from > range.to || (event.seq >= range.from && event.seq <= range.to)) return null
  return range
}

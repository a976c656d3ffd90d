/**
 * Seqs from 0 to the last one held that are neither held nor explained by a `seq.skipped` marker
 * (what a page never used of its seq lease: docs/protocol.md §1). Throws when a seq is held twice
 * or out of order, so an empty list means: each seq once, in order, and no unexplained gap.
 */
export function unexplainedSeqs(events: Array<{ seq: number; type?: string; data?: Record<string, unknown> }>): number[] {
  const covered = new Set<number>()
  let last = -1
  for (const event of events) {
    if (event.seq <= last) throw new Error(`seq ${event.seq} held twice or out of order (after ${last})`)
    last = event.seq
    covered.add(event.seq)
    if (event.type === 'seq.skipped') for (let seq = event.data!.from as number; seq <= (event.data!.to as number); seq++) covered.add(seq)
  }
  return [...Array(last + 1).keys()].filter((seq) => !covered.has(seq))
}

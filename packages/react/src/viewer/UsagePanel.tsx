import type { RecordingStats, UsageTotals } from '@tapedeck/player'
import { formatMs, formatUsd } from './formatTime'
import { FieldList } from './FieldList'

/** Tokens, cost and calls up to the playhead, against the whole session's (`stats`, computed once per recording). */
export function UsagePanel({ stats, usage }: { stats: RecordingStats; usage: UsageTotals }) {
  const rows: Array<[string, string]> = [
    ['tokens in / out', `${usage.inputTokens} / ${usage.outputTokens}`],
    ['cost', `${formatUsd(usage.costUsd)} of ${formatUsd(stats.costUsd)}`],
    ['calls', `${usage.calls} of ${stats.calls.total}${usage.failedCalls ? `, ${usage.failedCalls} failed` : ''}`],
    ['latency p50 / p95', `${formatMs(stats.calls.latencyMs.p50 ?? undefined)} / ${formatMs(stats.calls.latencyMs.p95 ?? undefined)}`],
    ['TTFT p50 / p95', `${formatMs(stats.calls.ttftMs.p50 ?? undefined)} / ${formatMs(stats.calls.ttftMs.p95 ?? undefined)}`],
  ]
  return (
    <section className="tapedeck-usage" aria-label="Usage so far">
      <FieldList rows={rows} />
    </section>
  )
}

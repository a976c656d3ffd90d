import { useQueries } from '@tanstack/react-query'
import type { CheckStatsGroupBy, CheckStatsResponse } from '../api/types'
import { useStudioClient } from '../api/useStudioClient'
import { BarList } from '../charts/BarList'
import { ColumnChart } from '../charts/ColumnChart'
import { formatPercent } from '../format'

const DAY = 24 * 60 * 60 * 1000
/** The checks drawn, most run first: one color each. */
const COLORS = ['var(--c1)', 'var(--c2)', 'var(--c3)', 'var(--c4)', 'var(--c5)']
const GROUPINGS: CheckStatsGroupBy[] = ['day', 'model', 'agentId']

/**
 * The Overview's "Checks": pass rate per check per day, and by model and by agent (agentId), from
 * the verdicts `tapedeck eval --server` keeps as annotations (GET /v1/stats/checks). Nothing is
 * drawn while there are none in the range, so an app without evaluations sees no empty charts.
 * `enabled`: asked once the Overview's own statistics are in, so its three requests do not share
 * the server with the one the page's charts wait for (bench/README.md, Round 6).
 */
export function ChecksCharts({ from, to, filters, enabled }: { from: number; to: number; filters: Record<string, string>; enabled: boolean }) {
  const client = useStudioClient()
  const [byDay, byModel, byAgent] = useQueries({
    queries: GROUPINGS.map((groupBy) => ({
      queryKey: ['checkStats', groupBy, from, to, filters],
      enabled,
      queryFn: ({ signal }: { signal: AbortSignal }) => client.checkStats({ groupBy, from: String(from), to: String(to), ...filters }, signal),
    })),
  })
  const totals = byDay!.data?.totals ?? []
  if (totals.length === 0) return null
  const checks = [...totals].sort((a, b) => b.runs - a.runs || (a.check < b.check ? -1 : 1)).slice(0, COLORS.length)
  const series = checks.map((c, i) => ({ name: c.check, color: COLORS[i]! }))
  const days: string[] = []
  for (let t = Math.floor(from / DAY) * DAY; t < to; t += DAY) days.push(new Date(t).toISOString().slice(0, 10))
  const dayGroups = new Map((byDay!.data?.groups ?? []).map((g) => [g.key?.slice(0, 10), g]))
  const rows = (answer: CheckStatsResponse | undefined) =>
    (answer?.groups ?? []).map((g) => ({ label: g.key ?? '(none)', values: checks.map((c) => g.checks.find((r) => r.check === c.check)?.passRate ?? null) }))
  return (
    <section className="checks" aria-label="Checks">
      <h2>Checks</h2>
      <div className="charts">
        <ColumnChart
          title="Pass rate per check per day"
          categories={days.map((day) => day.slice(5))}
          series={series.map((s) => ({ ...s, values: days.map((day) => dayGroups.get(day)?.checks.find((r) => r.check === s.name)?.passRate ?? null) }))}
          format={formatPercent}
          kind="rate"
        />
        <BarList title="Pass rate by model" series={series} rows={rows(byModel!.data)} format={formatPercent} />
        <BarList title="Pass rate by agent" series={series} rows={rows(byAgent!.data)} format={formatPercent} />
      </div>
    </section>
  )
}

import { useQuery } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { formatMs } from '@tapedeck/react/viewer'
import type { StatsGroup, StatsResponse } from '../api/types'
import { useStudioClient } from '../api/useStudioClient'
import { BarList } from '../charts/BarList'
import { ColumnChart } from '../charts/ColumnChart'
import { ChecksCharts } from './ChecksCharts'
import { dayOf } from '../dates/dayRange'
import { overviewQuery } from './overviewQuery'
import { formatCost, formatCount, formatPercent } from '../format'
import { href, navigate } from '../routing/useRoute'

const DAY = 24 * 60 * 60 * 1000
const RANGES: Array<[string, string]> = [
  ['1d', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['90d', 'Last 90 days'],
  ['custom', 'Custom dates'],
]
const COLORS = { cost: 'var(--c1)', calls: 'var(--c2)', tokens: 'var(--c3)', p95: 'var(--c4)', ttft: 'var(--c5)', error: 'var(--bad)', users: 'var(--c3)' }

/**
 * The Overview: a range and filters (in the URL), then cost per day, sessions and users, error
 * rate, calls and tokens by model, latency and time to first token p95 per model, and the users
 * and features that cost most; then pass rates of checks when there are any (ChecksCharts). One
 * GET /v1/stats for its four groupings (by time, model, user, feature); charts are SVG and HTML
 * drawn in the same commit as the data.
 */
export function OverviewPage({ params }: { params: URLSearchParams }) {
  const client = useStudioClient()
  const { range, from, to, filters, groupings, stats: query } = overviewQuery(params)
  // One request for the four: the server reads the range's sessions once for all of them. Opened
  // here, it started before this code loaded (startOverviewStats); the client takes that answer.
  const stats = useQuery({
    queryKey: ['stats', groupings, from, to, filters],
    queryFn: ({ signal }) => client.stats(query, signal),
  })
  const [byTime, byModel, byUser, byFeature] = stats.data ?? []
  const ready = stats.data !== undefined
  const error = stats.error

  // For the page-speed test and bench: when the charts are in the page.
  const drawn = useRef(false)
  useEffect(() => {
    if (ready && !drawn.current) {
      drawn.current = true
      performance.mark('tapedeck-overview-drawn')
    }
  }, [ready])

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params)
    if (value) next.set(name, value)
    else next.delete(name)
    if (name === 'range' && value === 'custom') {
      // Custom starts from the days shown so far.
      next.set('from', dayOf(from))
      next.set('to', dayOf(to - 1))
    } else if (name === 'range') {
      next.delete('from')
      next.delete('to')
    }
    navigate(href(['overview'], next), true)
  }
  const time = fillTime(byTime, from, to)
  // Totals over every matching session, from the server (distinct users, not a sum of days).
  const totals = byTime?.totals
  const top = (answer: StatsResponse | undefined, dimension: string) =>
    [...(answer?.groups ?? [])]
      .sort((a, b) => b.costUsd - a.costUsd)
      .slice(0, 8)
      .map((g) => ({ label: g.key ?? '(none)', values: [g.costUsd, g.sessions], ...(g.key !== null && { href: href(['sessions'], { [dimension]: g.key, sort: 'costUsd' }) }) }))
  const models = [...(byModel?.groups ?? [])].sort((a, b) => b.calls - a.calls).slice(0, 10)

  return (
    <div className="page overview" data-ready={ready}>
      <div className="page-head">
        <h1>Overview</h1>
        <div className="filter-row">
          <label className="field">
            <span>Range</span>
            <select value={range} onChange={(event) => set('range', event.target.value)}>
              {RANGES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          {range === 'custom' && (
            <>
              <label className="field">
                <span>From</span>
                <input type="date" value={params.get('from') ?? dayOf(from)} max={params.get('to') ?? undefined} onChange={(event) => event.target.value && set('from', event.target.value)} />
              </label>
              <label className="field">
                <span>To</span>
                <input type="date" value={params.get('to') ?? dayOf(to - 1)} min={params.get('from') ?? undefined} onChange={(event) => event.target.value && set('to', event.target.value)} />
              </label>
            </>
          )}
          <label className="field">
            <span>Feature</span>
            <input defaultValue={params.get('feature') ?? ''} key={params.get('feature') ?? ''} onBlur={(event) => set('feature', event.target.value.trim())} placeholder="any" />
          </label>
          <label className="field">
            <span>Model</span>
            <input defaultValue={params.get('model') ?? ''} key={params.get('model') ?? ''} onBlur={(event) => set('model', event.target.value.trim())} placeholder="any" />
          </label>
        </div>
      </div>
      {error && (
        <p className="error" role="alert">{`The statistics cannot be read: ${error.message}`}</p>
      )}
      <dl className="kpis big" aria-label="Totals" aria-busy={!ready}>
        <div>
          <dt>Cost</dt>
          <dd>{totals ? formatCost(totals.costUsd) : '…'}</dd>
        </div>
        <div>
          <dt>Sessions</dt>
          <dd>{totals ? formatCount(totals.sessions) : '…'}</dd>
        </div>
        <div>
          <dt>Active users</dt>
          <dd>{totals ? formatCount(totals.users) : '…'}</dd>
        </div>
        <div>
          <dt>LLM calls</dt>
          <dd>{totals ? formatCount(totals.calls) : '…'}</dd>
        </div>
        <div>
          <dt>Failed calls</dt>
          <dd className={totals && totals.failedCalls > 0 ? 'bad' : undefined}>{totals ? formatPercent(totals.calls > 0 ? totals.failedCalls / totals.calls : 0) : '…'}</dd>
        </div>
        <div>
          <dt>Audio</dt>
          <dd>{totals ? `${formatCount(totals.audioMinutes)} min` : '…'}</dd>
        </div>
      </dl>
      <div className="charts">
        <ColumnChart title="Cost per day" categories={time.labels} series={[{ name: 'Cost', values: time.groups.map((g) => g?.costUsd ?? 0), color: COLORS.cost }]} format={formatCost} />
        <ColumnChart
          title="Sessions and active users"
          categories={time.labels}
          series={[
            { name: 'Sessions', values: time.groups.map((g) => g?.sessions ?? 0), color: COLORS.calls },
            { name: 'Users', values: time.groups.map((g) => g?.users ?? 0), color: COLORS.users },
          ]}
          format={formatCount}
        />
        <ColumnChart
          title="Error rate (sessions with errors)"
          categories={time.labels}
          series={[{ name: 'Sessions with errors', values: time.groups.map((g) => (g && g.sessions > 0 ? g.sessionsWithErrors / g.sessions : null)), color: COLORS.error }]}
          format={formatPercent}
          kind="rate"
        />
        <BarList
          title="Calls and tokens by model"
          series={[
            { name: 'Calls', color: COLORS.calls },
            { name: 'Tokens', color: COLORS.tokens },
          ]}
          rows={models.map((g) => ({ label: g.key ?? '(none)', values: [g.calls, g.inputTokens + g.outputTokens], ...(g.key !== null && { href: href(['sessions'], { model: g.key }) }) }))}
          format={formatCount}
        />
        <BarList
          title="Latency and time to first token, p95, by model"
          series={[
            { name: 'Latency p95', color: COLORS.p95 },
            { name: 'TTFT p95', color: COLORS.ttft },
          ]}
          rows={models.map((g) => ({ label: g.key ?? '(none)', values: [g.latencyMs.p95, g.ttftMs.p95] }))}
          format={(ms) => formatMs(ms)}
        />
        <BarList title="Top users by cost" series={[{ name: 'Cost', color: COLORS.cost }, { name: 'Sessions', color: COLORS.calls }]} rows={top(byUser, 'userId')} format={(v) => (v < 1 && v % 1 !== 0 ? formatCost(v) : formatCount(v))} />
        <BarList title="Top features by cost" series={[{ name: 'Cost', color: COLORS.cost }, { name: 'Sessions', color: COLORS.calls }]} rows={top(byFeature, 'feature')} format={(v) => (v < 1 && v % 1 !== 0 ? formatCost(v) : formatCount(v))} />
      </div>
      <ChecksCharts from={from} to={to} filters={filters} enabled={!stats.isPending} />
    </div>
  )
}

/** Every day (or hour) of the range, with its group or null, so a quiet day shows as a gap, not as nothing. */
function fillTime(answer: StatsResponse | undefined, from: number, to: number): { labels: string[]; groups: Array<StatsGroup | null> } {
  const hourly = answer?.groupBy === 'hour'
  const step = hourly ? 3_600_000 : DAY
  const byKey = new Map((answer?.groups ?? []).map((g) => [keyOf(g.key ?? '', hourly), g]))
  const labels: string[] = []
  const groups: Array<StatsGroup | null> = []
  if (!answer) return { labels, groups }
  for (let t = Math.floor(from / step) * step; t < to; t += step) {
    const key = keyOf(new Date(t).toISOString(), hourly)
    labels.push(hourly ? `${new Date(t).getUTCHours()}h` : new Date(t).toISOString().slice(5, 10))
    groups.push(byKey.get(key) ?? null)
  }
  return { labels, groups }
}

/** A bucket's key (`2026-12-05T00:00:00.000Z`) reduced to `2026-12-05`, or `2026-12-05T09` for hours. */
function keyOf(key: string, hourly: boolean): string {
  return hourly ? key.slice(0, 13) : key.slice(0, 10)
}

// Figures as the Studio shows them. Session times and call figures come from the viewer
// (formatTime, formatMs, formatUsd in @tapedeck/react/viewer); these are for lists and charts.

/** A cost for a list or an axis: `$0`, `$0.0042`, `$1.27`, `$1.2k`. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '—'
  if (usd === 0) return '$0'
  if (usd >= 1000) return `$${(usd / 1000).toFixed(1)}k`
  if (usd >= 1) return `$${usd.toFixed(2)}`
  return `$${usd.toPrecision(2)}`
}

/** A count for a list or an axis: `950`, `12.3k`, `4.1M`. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`
  return String(Math.round(n * 100) / 100)
}

/** A duration for a list: `42 s`, `3 min 5 s`, `1 h 02 min`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
}

let dates: Intl.DateTimeFormat | undefined

/** A moment in the reader's time zone: `Dec 5, 09:31` (one formatter, made on first use: making one is slow). */
export function formatDate(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '—'
  dates ??= new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
  return dates.format(epochMs)
}

/** A percentage: `4.2%`. */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`
}

/** A session time (ms) as `m:ss.s`, or `h:mm:ss` past an hour. */
export function formatTime(ms: number): string {
  const total = Math.max(0, ms) / 1000
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${String(Math.floor(seconds)).padStart(2, '0')}`
  return `${minutes}:${seconds.toFixed(1).padStart(4, '0')}`
}

/** Milliseconds for details: `812 ms`, `1.24 s`. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '—'
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}

/** US dollars with enough digits for a single call. */
export function formatUsd(usd: number | undefined): string {
  if (usd === undefined) return '—'
  return usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(4)}`
}

// Numbers, rows and the table `bench/run.mjs` prints (and bench/README.md quotes).
import { cpus, totalmem, platform, release, loadavg, availableParallelism } from 'node:os'

/** One line of the run's output. */
export function log(message) {
  process.stdout.write(`${message}\n`)
}

export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, runs: values }
}

export function machine() {
  const cpu = cpus()
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    availableParallelism: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${platform()} ${release()}`,
    loadAverage: loadavg(),
  }
}

const number = (value, digits) => {
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  const d = digits ?? (abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3)
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
}

/** Formats a value in a unit the table shows. */
export function format(value, unit) {
  if (value === null || value === undefined) return '—'
  switch (unit) {
    case 'events/s':
      return `${number(value / 1000)} k/s`
    case 'bytes/s':
      return `${number(value / 1e6)} MB/s`
    case 'MB/s':
      return `${number(value)} MB/s`
    case 'bytes':
      return value >= 1e6 ? `${number(value / 1e6)} MB` : value >= 1e3 ? `${number(value / 1e3)} KB` : `${number(value)} B`
    case 'ms':
      return `${number(value)} ms`
    case '×':
      return `${number(value)}×`
    case 'none-or-ms':
      return value === 0 ? 'none' : `${number(value)} ms`
    default:
      return `${number(value)} ${unit}`
  }
}

/**
 * One row per figure: its median (min – max over the measured runs), the anchor or peer measured
 * in the same runs, the ratio of the two (per run, then the median), the bar and the verdict.
 */
export function rowsOf(figures, { quick = false } = {}) {
  return figures.map((figure) => {
    const range = (s, unit) => (s ? `${format(s.min, unit)} – ${format(s.max, unit)}` : '—')
    if (figure.status === 'not built yet') return [figure.title, 'not built yet', '—', figure.anchor?.title ?? '—', '—', figure.bar?.text ?? '—', 'not built yet']
    if (figure.status === 'error') return [figure.title, '—', '—', figure.anchor?.title ?? '—', '—', figure.bar?.text ?? '—', `ERROR: ${figure.error}`]
    const anchor = figure.anchor
      ? `${figure.anchor.title}: ${figure.anchor.value ? format(figure.anchor.value.median, figure.anchor.unit) : figure.anchor.text}`
      : '—'
    const ratio = figure.ratio ? `${number(figure.ratio.median, figure.ratio.digits)}${figure.ratio.suffix ?? ''} (${number(figure.ratio.min, figure.ratio.digits)} – ${number(figure.ratio.max, figure.ratio.digits)})` : '—'
    const verdict = !figure.bar ? '—' : quick && !figure.bar.quick ? 'not judged (quick)' : figure.bar.ok ? 'ok' : 'MISS'
    return [figure.title, format(figure.value.median, figure.unit), range(figure.value, figure.unit), anchor, ratio, figure.bar?.text ?? '—', verdict]
  })
}

const HEADER = ['figure', 'median', 'min – max', 'anchor / peer (median)', 'ratio: median (min – max)', 'bar', 'result']

/** A Markdown table, padded so it also reads in a terminal. */
export function table(rows) {
  const all = [HEADER, ...rows].map((row) => row.map((cell) => String(cell).replace(/\|/g, '\\|')))
  const widths = HEADER.map((_, i) => Math.max(...all.map((row) => row[i].length)))
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`
  return [line(all[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...all.slice(1).map(line)].join('\n')
}

/** Ratios taken per run (figure and anchor measured side by side), then summarised. */
export const ratios = (a, b) => summary(a.map((value, i) => value / b[i]))

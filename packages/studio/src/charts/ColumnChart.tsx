import { ChartCaption } from './ChartCaption'

export interface ColumnSeries {
  name: string
  /** One value per category (null: no data). */
  values: ReadonlyArray<number | null>
  /** A CSS color or variable. */
  color: string
}

export interface ColumnChartProps {
  title: string
  categories: readonly string[]
  series: readonly ColumnSeries[]
  format(value: number): string
  height?: number
}

const W = 640
const PAD = { top: 12, right: 8, bottom: 22, left: 48 }

/**
 * Columns over categories (days, hours), one to three series side by side. Hand-drawn SVG:
 * a few dozen rectangles, drawn in the same React commit as the page, readable by assistive
 * technology (a title, and each column's value in its <title>), styled by CSS variables.
 */
export function ColumnChart({ title, categories, series, format, height = 180 }: ColumnChartProps) {
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)))
  const top = niceCeil(max)
  const plotW = W - PAD.left - PAD.right
  const plotH = height - PAD.top - PAD.bottom
  const slot = categories.length > 0 ? plotW / categories.length : plotW
  const barW = Math.max(1, (slot * 0.8) / Math.max(1, series.length))
  const labelEvery = Math.max(1, Math.ceil(categories.length / 8))
  const y = (value: number) => PAD.top + plotH - (top > 0 ? (value / top) * plotH : 0)
  return (
    <figure className="chart">
      <ChartCaption title={title} series={series} />
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-label={`${title}: ${summary(categories, series, format)}`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line className="chart__grid" x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} />
            <text className="chart__axis" x={PAD.left - 6} y={y(top * f) + 4} textAnchor="end">
              {format(top * f)}
            </text>
          </g>
        ))}
        {categories.map((category, i) => (
          <g key={category}>
            {series.map((s, j) => {
              const value = s.values[i]
              if (value === null || value === undefined) return null
              const x = PAD.left + i * slot + slot * 0.1 + j * barW
              return (
                <rect key={s.name} x={x} y={y(value)} width={barW} height={Math.max(value > 0 ? 1 : 0, PAD.top + plotH - y(value))} fill={s.color} rx={1}>
                  <title>{`${category} · ${s.name}: ${format(value)}`}</title>
                </rect>
              )
            })}
            {i % labelEvery === 0 && (
              <text className="chart__axis" x={PAD.left + i * slot + slot / 2} y={height - 6} textAnchor="middle">
                {category}
              </text>
            )}
          </g>
        ))}
      </svg>
      {categories.length === 0 && <p className="empty small">No data in this range.</p>}
    </figure>
  )
}

/** A round number at or above `value` for the axis: 1, 2, 2.5 or 5 × 10^n. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 0
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

function summary(categories: readonly string[], series: readonly ColumnSeries[], format: (v: number) => string): string {
  return series
    .map((s) => {
      const total = s.values.reduce<number>((sum, v) => sum + (v ?? 0), 0)
      const peak = s.values.reduce<number>((m, v) => Math.max(m, v ?? 0), 0)
      return `${s.name} over ${categories.length} periods, highest ${format(peak)}, sum ${format(total)}`
    })
    .join('; ')
}

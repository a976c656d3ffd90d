import { ChartCaption } from './ChartCaption'

export interface BarListRow {
  label: string
  /** One value per series. */
  values: ReadonlyArray<number | null>
  /** Where the label links to (the finder, filtered), if anywhere. */
  href?: string
}

export interface BarListProps {
  title: string
  series: ReadonlyArray<{ name: string; color: string }>
  rows: readonly BarListRow[]
  format(value: number): string
}

/**
 * Ranked horizontal bars (models, users, features): each row's label, its bars and their values
 * as text. HTML and CSS widths, no SVG needed; long labels wrap on a phone.
 */
export function BarList({ title, series, rows, format }: BarListProps) {
  // Each series on its own scale (calls and tokens differ by orders of magnitude).
  const maxes = series.map((_, j) => Math.max(0, ...rows.map((row) => row.values[j] ?? 0)))
  return (
    <figure className="chart barlist">
      <ChartCaption title={title} series={series} />
      <table>
        <caption className="visually-hidden">{title}</caption>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">Name</th>
            {series.map((s) => (
              <th key={s.name} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.href ? <a href={row.href}>{row.label}</a> : row.label}</th>
              {series.map((s, j) => {
                const value = row.values[j]
                const max = maxes[j]!
                return (
                  <td key={s.name}>
                    <span className="bar" style={{ width: `${max > 0 && value ? (value / max) * 100 : 0}%`, background: s.color }} />
                    <span className="bar__value">{value === null || value === undefined ? '—' : format(value)}</span>
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="empty small">No data in this range.</p>}
    </figure>
  )
}

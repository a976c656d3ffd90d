export interface ChartCaptionProps {
  title: string
  /** The chart's series; a legend is shown when there are several. */
  series: ReadonlyArray<{ name: string; color: string }>
}

/** A chart's title and, for several series, their legend: one color swatch and name each. */
export function ChartCaption({ title, series }: ChartCaptionProps) {
  return (
    <figcaption>
      {title}
      {series.length > 1 && (
        <span className="chart__legend">
          {series.map((s) => (
            <span key={s.name}>
              <i style={{ background: s.color }} /> {s.name}
            </span>
          ))}
        </span>
      )}
    </figcaption>
  )
}

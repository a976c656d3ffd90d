/** Name/value rows as a `<dl>`; each value carries `data-field` with its name (tests and styles find it). */
export function FieldList({ rows }: { rows: ReadonlyArray<readonly [string, string]> }) {
  return (
    <dl>
      {rows.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd data-field={name}>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

import { useMemo } from 'react'
import { validationResults, type Recording, type ValidationRecord } from '@tapedeck/player'

export interface ValidationResultsProps {
  /** A recording evaluated with `evaluate()` (its `validation.result` annotations), or with such events. */
  recording: Recording
  /** Goes to the first event a verdict points at (the viewer's seek to that event's time). */
  onSelectEvent?(eventId: string): void
}

/** `reason` of a judge, else the first few figures of the details, as one short line. */
function summary(result: ValidationRecord): string {
  const details = result.details as Record<string, unknown> | undefined
  if (!details || typeof details !== 'object') return ''
  if (typeof details.reason === 'string') return details.reason
  const error = details.error as { message?: unknown } | string | undefined
  if (error) return typeof error === 'string' ? error : String(error.message ?? '')
  return Object.entries(details)
    .filter(([, value]) => value === null || ['number', 'string', 'boolean'].includes(typeof value))
    .slice(0, 4)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ')
}

/**
 * The checks' verdicts on a recording (see docs/evaluations.md): one row per check — passed or
 * failed, score, a short line of its details — failed first, with a button to the event it
 * points at. Unstyled but usable: class names `tapedeck-validation*`.
 */
export function ValidationResults({ recording, onSelectEvent }: ValidationResultsProps) {
  const external = recording.annotations
  const results = useMemo(() => validationResults(recording).sort((a, b) => Number(a.passed) - Number(b.passed)), [recording, external])
  const failed = results.filter((result) => !result.passed).length
  return (
    <section className="tapedeck-validation" aria-label="Checks">
      <h3>{results.length === 0 ? 'Checks (none run)' : `Checks: ${results.length - failed} of ${results.length} passed`}</h3>
      <ul>
        {results.map((result) => {
          const eventId = result.eventIds[0]
          return (
            <li key={result.name} className={result.passed ? 'tapedeck-validation__row' : 'tapedeck-validation__row tapedeck-validation__row--failed'}>
              <span aria-label={result.passed ? 'passed' : 'failed'}>{result.passed ? '✓' : '✗'}</span> <strong>{result.name}</strong>{' '}
              <span className="tapedeck-muted">{`score ${Math.round(result.score * 100) / 100}`}</span> {summary(result)}{' '}
              {eventId !== undefined && onSelectEvent && (
                <button type="button" onClick={() => onSelectEvent(eventId)}>
                  {result.eventIds.length > 1 ? `go to (1 of ${result.eventIds.length})` : 'go to'}
                </button>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}

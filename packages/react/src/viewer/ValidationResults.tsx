import { useMemo } from 'react'
import type { TapedeckEvent } from '@tapedeck/core'
import { validationResults, type Recording, type ValidationRecord } from '@tapedeck/player'
import { formatTime } from './formatTime'

export interface ValidationResultsProps {
  /** A recording evaluated with `evaluate()` (its `validation.result` annotations), or with such events. */
  recording: Recording
  /** An event a verdict points at was clicked (the viewer seeks to its time). */
  onSelectEvent?(event: TapedeckEvent): void
  /** Buttons per verdict, at most; the rest are counted. Default 5. */
  maxEvents?: number
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
 * failed, score, a short line of its details, a button per event it points at (the slow call,
 * the wrong tool call, the answer that leaked) — failed first. Renders nothing when the recording
 * has no verdict. Unstyled but usable: class names `tapedeck-validation*`.
 */
export function ValidationResults({ recording, onSelectEvent, maxEvents = 5 }: ValidationResultsProps) {
  // `evaluate()` and the annotation form replace `recording.annotations`: a new verdict re-renders.
  const external = recording.annotations
  const results = useMemo(() => validationResults(recording).sort((a, b) => Number(a.passed) - Number(b.passed)), [recording, external])
  const byId = useMemo(() => {
    const wanted = new Set(results.flatMap((result) => result.eventIds))
    if (wanted.size === 0) return new Map<string, TapedeckEvent>()
    return new Map(recording.events.filter((event) => wanted.has(event.id)).map((event) => [event.id, event]))
  }, [recording.events, results])
  if (results.length === 0) return null
  const failed = results.filter((result) => !result.passed).length
  return (
    <section className="tapedeck-validation" aria-label="Checks">
      <h3>{`Checks: ${results.length - failed} of ${results.length} passed`}</h3>
      <ul>
        {results.map((result) => {
          const events = result.eventIds.flatMap((id) => byId.get(id) ?? [])
          return (
            <li key={result.name} className={result.passed ? 'tapedeck-validation__row' : 'tapedeck-validation__row tapedeck-validation__row--failed'}>
              <span aria-label={result.passed ? 'passed' : 'failed'}>{result.passed ? '✓' : '✗'}</span> <strong>{result.name}</strong>{' '}
              <span className="tapedeck-muted">{`score ${Math.round(result.score * 100) / 100}`}</span> {summary(result)}
              {events.length > 0 && onSelectEvent && (
                <span className="tapedeck-validation__events">
                  {events.slice(0, maxEvents).map((event) => (
                    <button key={event.id} type="button" title={event.type} aria-label={`${result.name}: ${event.type} at ${formatTime(event.t)}`} onClick={() => onSelectEvent(event)}>
                      {formatTime(event.t)}
                    </button>
                  ))}
                  {events.length > maxEvents && <span className="tapedeck-muted">{`+${events.length - maxEvents} more`}</span>}
                </span>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}

import { useCallback, useMemo, useState, type FormEvent } from 'react'
import type { Annotation, AnnotationInput, AnnotationKind } from '@tapedeck/player'
import { formatTime } from './formatTime'
import { WindowedList } from './WindowedList'

/** What the form can attach an annotation to besides the whole session. */
export interface AnnotationSelection {
  eventId: string
  label: string
}

export interface AnnotationsPanelProps {
  /** Recorded and external annotations. */
  annotations: readonly Annotation[]
  /** Those active at the playhead. */
  active: readonly Annotation[]
  position: number
  selection: AnnotationSelection | null
  /** Adds the annotation; throws (a `TapedeckError`) for input it cannot take. */
  onAdd(input: AnnotationInput): void
  timeOf(annotation: Annotation): number | undefined
  onSeek(position: number): void
}

type TargetChoice = 'session' | 'moment' | 'selection'

/** The annotation form (score, label or comment on the session, the playhead, or the selected message or call) and the list. */
export function AnnotationsPanel({ annotations, active, position, selection, onAdd, timeOf, onSeek }: AnnotationsPanelProps) {
  const [kind, setKind] = useState<AnnotationKind>('comment')
  const [key, setKey] = useState('note')
  const [value, setValue] = useState('')
  const [target, setTarget] = useState<TargetChoice>('moment')
  const [problem, setProblem] = useState<string | null>(null)
  const activeIds = useMemo(() => new Set(active.map((a) => a.annotationId)), [active])
  const rowKey = useCallback((index: number) => annotations[index]!.annotationId, [annotations])
  const renderRow = useCallback(
    (index: number) => {
      const annotation = annotations[index]!
      const t = timeOf(annotation)
      return (
        <div className={activeIds.has(annotation.annotationId) ? 'tapedeck-annotation tapedeck-annotation--active' : 'tapedeck-annotation'}>
          <span className="tapedeck-muted">{annotation.origin === 'recorded' ? 'recorded' : (annotation.author ?? 'added')}</span>{' '}
          {`${annotation.kind} ${annotation.key}: ${typeof annotation.value === 'string' ? annotation.value : JSON.stringify(annotation.value)}`}{' '}
          {t !== undefined ? (
            <button type="button" onClick={() => onSeek(t)}>
              {formatTime(t)}
            </button>
          ) : (
            <span className="tapedeck-muted">session</span>
          )}
        </div>
      )
    },
    [annotations, activeIds, timeOf, onSeek],
  )

  function submit(event: FormEvent) {
    event.preventDefault()
    setProblem(null)
    try {
      onAdd({
        kind,
        key: key.trim(),
        value: kind === 'score' ? Number(value) : value,
        target:
          target === 'session' ? 'session' : target === 'selection' && selection ? { eventId: selection.eventId } : { fromT: position, toT: position },
      })
      setValue('')
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error))
    }
  }

  return (
    <section className="tapedeck-annotations" aria-label="Annotations">
      <h3>{`Annotations (${annotations.length})`}</h3>
      <form className="tapedeck-annotation-form" onSubmit={submit} aria-label="Add an annotation">
        <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value as AnnotationKind)}>
          <option value="comment">comment</option>
          <option value="label">label</option>
          <option value="score">score</option>
        </select>
        <input aria-label="Key" value={key} onChange={(e) => setKey(e.target.value)} required />
        <input
          aria-label="Value"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          {...(kind === 'score' ? { type: 'number', step: 'any', required: true } : { type: 'text' })}
        />
        <select aria-label="Target" value={target} onChange={(e) => setTarget(e.target.value as TargetChoice)}>
          <option value="moment">{`this moment (${formatTime(position)})`}</option>
          <option value="selection" disabled={!selection}>
            {selection ? `selected: ${selection.label}` : 'selected message or call (none)'}
          </option>
          <option value="session">the whole session</option>
        </select>
        <button type="submit">Add</button>
        {problem && (
          <p className="tapedeck-error" role="alert">
            {problem}
          </p>
        )}
      </form>
      <WindowedList className="tapedeck-annotations__list" label="Annotation list" count={annotations.length} renderRow={renderRow} rowKey={rowKey} estimatedRowHeight={30} scrollToIndex={null} />
    </section>
  )
}

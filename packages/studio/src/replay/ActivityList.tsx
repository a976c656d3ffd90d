import { memo, useCallback, useMemo } from 'react'
import { formatTime, upperBound, WindowedList } from '@tapedeck/react/viewer'
import { Icon, type IconName } from '../icons/Icon'
import { Snippet } from '../search/Snippet'
import type { ActivityItem } from './buildActivity'

/** A line of the list: something recorded, or a review annotation (seq -1). */
export type ActivityRow = (Omit<ActivityItem, 'kind'> & { kind: ActivityItem['kind'] | 'annotation'; annotationId?: string })

const ICONS: Record<ActivityRow['kind'], IconName> = {
  message: 'comment',
  call: 'chart',
  tool: 'tool',
  action: 'user',
  error: 'alert',
  transcript: 'volume',
  checkpoint: 'check',
  annotation: 'flag',
}

export interface ActivityListProps {
  rows: readonly ActivityRow[]
  position: number
  follow: boolean
  selectedSeq: number | null
  /** Words to mark (the search the session was opened from). */
  query: string
  onPick(row: ActivityRow): void
}

/**
 * The whole session in time order — messages, LLM calls, tool calls, user actions, errors,
 * transcript lines, checkpoints and annotations — windowed (only the rows in view are in the
 * page). What is after the playhead is dimmed; the last row at the playhead is marked current
 * and kept in view while following.
 */
export function ActivityList({ rows, position, follow, selectedSeq, query, onPick }: ActivityListProps) {
  const times = useMemo(() => Float64Array.from(rows, (row) => row.t), [rows])
  const current = upperBound(times, position) - 1
  const renderRow = useCallback(
    (index: number) => <Row row={rows[index]!} state={index < current ? 'past' : index === current ? 'current' : 'future'} selected={rows[index]!.seq === selectedSeq} query={query} onPick={onPick} />,
    [rows, current, selectedSeq, query, onPick],
  )
  const rowKey = useCallback((index: number) => `${rows[index]!.seq}:${rows[index]!.annotationId ?? rows[index]!.kind}`, [rows])
  return (
    <section className="activity" aria-label="Conversation and activity">
      <WindowedList
        className="activity__list"
        label="Activity"
        testId="activity"
        count={rows.length}
        renderRow={renderRow}
        rowKey={rowKey}
        estimatedRowHeight={56}
        scrollToIndex={follow ? Math.max(0, current) : null}
      />
      {rows.length === 0 && <p className="empty">Nothing was recorded in this session.</p>}
    </section>
  )
}

const Row = memo(function Row({ row, state, selected, query, onPick }: { row: ActivityRow; state: 'past' | 'current' | 'future'; selected: boolean; query: string; onPick(row: ActivityRow): void }) {
  const classes = ['row', `row--${row.kind}`, `row--${state}`, row.role ? `row--${row.role}` : '', row.failed ? 'row--failed' : '', selected ? 'row--selected' : '']
  return (
    <button
      type="button"
      className={classes.filter(Boolean).join(' ')}
      data-seq={row.seq}
      data-kind={row.kind}
      data-state={state}
      aria-current={state === 'current' ? 'true' : undefined}
      onClick={() => onPick(row)}
    >
      <span className="row__icon">
        <Icon name={ICONS[row.kind]} size={16} />
      </span>
      <span className="row__body">
        <span className="row__head">
          <strong>{row.title}</strong> <time>{formatTime(row.t)}</time>
        </span>
        <span className="row__text">{query ? <Snippet text={row.text} query={query} /> : row.text}</span>
      </span>
    </button>
  )
})

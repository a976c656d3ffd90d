import { memo, useMemo, useRef, type KeyboardEvent, type PointerEvent } from 'react'
import type { TapedeckEvent } from '@tapedeck/core'
import { computeTimelineMarks, type TimelineMark } from './computeTimelineMarks'
import { formatTime } from './formatTime'
import { upperBound } from './upperBound'
import { ViewerIcon } from './ViewerIcon'

export interface TimelineProps {
  events: readonly TapedeckEvent[]
  duration: number
  position: number
  /** Annotation marks (computed again when one is added); event marks are computed here, once. */
  annotationMarks: readonly TimelineMark[]
  /** More marks of your own (messages, tool calls, user actions: `computeActivityMarks`), drawn in their lanes. */
  activityMarks?: readonly TimelineMark[]
  onSeek(position: number): void
}

/**
 * The session's time as a slider: marks for checkpoints, errors and annotations, the playhead,
 * click or drag to seek, arrow keys (±1 s, Shift ±10 s), Home and End; buttons to the previous
 * and next checkpoint. Only the playhead moves
 * during playback: the marks are a memoized layer.
 */
export function Timeline({ events, duration, position, annotationMarks, activityMarks, onSeek }: TimelineProps) {
  const track = useRef<HTMLDivElement>(null)
  const span = duration > 0 ? duration : 1
  const { marks, checkpoints } = useMemo(() => computeTimelineMarks(events, duration), [events, duration])
  const checkpoint = (direction: -1 | 1) => {
    const index = direction > 0 ? upperBound(checkpoints, position + 1) : upperBound(checkpoints, position - 1) - 1
    const to = checkpoints[index]
    if (to !== undefined) onSeek(to)
  }

  const seekTo = (clientX: number) => {
    const rect = track.current?.querySelector('.tapedeck-timeline__inner')?.getBoundingClientRect()
    if (!rect || rect.width === 0) return
    onSeek(Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)) * duration)
  }
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return
    event.currentTarget.setPointerCapture?.(event.pointerId)
    const mark = (event.target as HTMLElement).closest<HTMLElement>('[data-t]')
    if (mark) onSeek(Number(mark.dataset.t))
    else seekTo(event.clientX)
  }
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (event.currentTarget.hasPointerCapture?.(event.pointerId)) seekTo(event.clientX)
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 10_000 : 1000
    const moves: Record<string, number> = { ArrowLeft: position - step, ArrowRight: position + step, Home: 0, End: duration }
    const to = moves[event.key]
    if (to === undefined) return
    event.preventDefault()
    onSeek(Math.min(duration, Math.max(0, to)))
  }

  return (
    <div className="tapedeck-timeline-bar">
      <button type="button" onClick={() => checkpoint(-1)} aria-label="Previous checkpoint" disabled={checkpoints.length === 0}>
        <ViewerIcon name="previous" />
      </button>
      <div
        ref={track}
        className="tapedeck-timeline"
        role="slider"
        tabIndex={0}
        aria-label="Timeline"
        aria-valuemin={0}
        aria-valuemax={Math.round(duration)}
        aria-valuenow={Math.round(position)}
        aria-valuetext={`${formatTime(position)} of ${formatTime(duration)}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onKeyDown={onKeyDown}
      >
        {/* Inset by half a mark on each side, so a mark at 0 or at the end is whole; the playhead is
            drawn under the marks (z-index), so a mark where it stands (a checkpoint at 0) stays visible. */}
        <div className="tapedeck-timeline__inner">
          <div className="tapedeck-timeline__progress" style={{ width: `${(position / span) * 100}%` }} />
          <MarkLayer marks={marks} span={span} />
          {activityMarks && <MarkLayer marks={activityMarks} span={span} />}
          <MarkLayer marks={annotationMarks} span={span} />
          <div className="tapedeck-timeline__playhead" style={{ left: `${(position / span) * 100}%` }} />
        </div>
      </div>
      <button type="button" onClick={() => checkpoint(1)} aria-label="Next checkpoint" disabled={checkpoints.length === 0}>
        <ViewerIcon name="next" />
      </button>
    </div>
  )
}


const MarkLayer = memo(function MarkLayer({ marks, span }: { marks: readonly TimelineMark[]; span: number }) {
  return (
    <>
      {marks.map((mark) => (
        <span
          key={`${mark.kind}:${mark.t}:${mark.seq ?? ''}`}
          className={`tapedeck-mark tapedeck-mark--${mark.kind}`}
          data-kind={mark.kind}
          data-t={mark.t}
          title={`${formatTime(mark.t)} ${mark.label}${mark.count > 1 ? ` (+${mark.count - 1} more)` : ''}`}
          style={{
            left: `${(mark.t / span) * 100}%`,
            ...(mark.toT !== undefined && { width: `${(Math.max(0, mark.toT - mark.t) / span) * 100}%` }),
          }}
        />
      ))}
    </>
  )
})

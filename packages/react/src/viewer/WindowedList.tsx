import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type Key, type ReactNode } from 'react'
import { RowSizes } from './RowSizes'

export interface WindowedListProps {
  /** How many rows there are. */
  count: number
  /** Renders row `index`; only rows in (or near) view are rendered. */
  renderRow(index: number): ReactNode
  /** A stable key for row `index`. Default the index. */
  rowKey?(index: number): Key
  /** Height of a row not measured yet, px. Rows are measured once rendered. Default 48. */
  estimatedRowHeight?: number
  /** Rows rendered above and below the visible ones. Default 6. */
  overscan?: number
  /** Keep this row in view: scrolled to when it changes (the conversation follows the playhead). */
  scrollToIndex?: number | null
  /** Where `scrollToIndex` lands: `end` (default, as a chat) or `start`. */
  align?: 'start' | 'end'
  className?: string
  /** Accessible name of the list. */
  label?: string
  /** The list element itself (an `<ol>`) — for `role`, `data-*`, tests. */
  testId?: string
}

// A list with no height of its own (no CSS) would grow to hold every row, and render them all:
// at most the viewport's height, whatever the page's CSS says.
const VIEWPORT_STYLE = { overflowY: 'auto', overflowAnchor: 'none', maxHeight: '100vh' } as const

/**
 * A list that renders only the rows in view, so a conversation of 100,000 events costs as much
 * as one screenful. Rows may have any height: each is measured once it has been rendered (a
 * ResizeObserver), and unmeasured rows count as `estimatedRowHeight`. Offsets are prefix sums
 * kept in a typed array and found by binary search.
 */
export function WindowedList({
  count,
  renderRow,
  rowKey = (index) => index,
  estimatedRowHeight = 48,
  overscan = 6,
  scrollToIndex = null,
  align = 'end',
  className,
  label,
  testId,
}: WindowedListProps) {
  const viewport = useRef<HTMLDivElement>(null)
  const sizes = useMemo(() => new RowSizes(estimatedRowHeight), [estimatedRowHeight])
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(0)
  // Bumped when a measured height changes: offsets moved, render again.
  const [, setMeasured] = useState(0)
  sizes.resize(count)

  // The row to keep in view, until the user scrolls elsewhere (then until `scrollToIndex` changes).
  const follow = useRef<{ index: number | null; align: 'start' | 'end'; scrollTop: number }>({ index: null, align, scrollTop: -1 })
  /** Scrolls the followed row into view; true when it did. */
  const applyFollow = useCallback((): boolean => {
    const element = viewport.current
    const { index, align: where } = follow.current
    if (!element || index === null || index < 0 || index >= sizes.count) return false
    const top = sizes.offset(index)
    const bottom = top + sizes.get(index)
    const before = element.scrollTop
    if (where === 'start') element.scrollTop = top
    else if (top < before || bottom > before + element.clientHeight) element.scrollTop = Math.max(0, bottom - element.clientHeight)
    follow.current.scrollTop = element.scrollTop
    return element.scrollTop !== before
  }, [sizes])

  const onScroll = useCallback(() => {
    const element = viewport.current
    if (!element) return
    if (follow.current.index !== null && Math.abs(element.scrollTop - follow.current.scrollTop) > 1) follow.current.index = null
    setScrollTop(element.scrollTop)
  }, [])

  // The viewport's height, from a ResizeObserver: it reports after the browser's own layout, so
  // mounting a list never forces a layout in the middle of React's commit.
  useEffect(() => {
    const element = viewport.current
    if (!element || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentBoxSize?.[0]
      setHeight(box ? box.blockSize : element.clientHeight)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [])

  // Rows report their real height; a row above the first visible one that grows pushes the
  // content down, so the scroll position follows and what the user reads stays in place.
  const rowObserver = useMemo(
    () =>
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            const element = viewport.current
            let changed = false
            let shift = 0
            const firstVisible = element ? sizes.indexAt(element.scrollTop) : 0
            for (const entry of entries) {
              const index = Number((entry.target as HTMLElement).dataset.index)
              if (!Number.isInteger(index) || index >= sizes.count) continue
              const measured = entry.borderBoxSize?.[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight
              const delta = sizes.set(index, measured)
              if (delta !== 0) {
                changed = true
                if (index < firstVisible) shift += delta
              }
            }
            if (!changed) return
            // Following a row: measure, then put it in view again. Otherwise keep what is read in place.
            if (follow.current.index !== null) applyFollow()
            else if (element && shift !== 0) element.scrollTop += shift
            setMeasured((n) => n + 1)
          }),
    [sizes, applyFollow],
  )
  useEffect(() => () => rowObserver?.disconnect(), [rowObserver])

  const measureRef = useCallback(
    (element: HTMLLIElement | null) => {
      if (element && rowObserver) rowObserver.observe(element, { box: 'border-box' })
    },
    [rowObserver],
  )

  // Follow: bring the row into view when it changes (and when the list first has it).
  useLayoutEffect(() => {
    follow.current = { index: scrollToIndex, align, scrollTop: follow.current.scrollTop }
    if (applyFollow()) setScrollTop(follow.current.scrollTop)
  }, [scrollToIndex, align, count, applyFollow])

  const total = sizes.offset(count)
  const viewHeight = height || estimatedRowHeight * 10
  const first = Math.max(0, sizes.indexAt(scrollTop) - overscan)
  const last = Math.min(count, sizes.indexAt(scrollTop + viewHeight) + 1 + overscan)
  const rows: ReactNode[] = []
  for (let index = first; index < last; index++) {
    rows.push(
      <li key={rowKey(index)} data-index={index} ref={measureRef} className="tapedeck-row">
        {renderRow(index)}
      </li>,
    )
  }

  return (
    <div ref={viewport} className={className ? `tapedeck-window ${className}` : 'tapedeck-window'} onScroll={onScroll} style={VIEWPORT_STYLE}>
      <div style={{ height: total, position: 'relative' }}>
        <ol
          aria-label={label}
          data-testid={testId}
          data-count={count}
          start={first + 1}
          style={{ position: 'absolute', top: sizes.offset(first), left: 0, right: 0, margin: 0, padding: 0, listStyle: 'none' }}
        >
          {rows}
        </ol>
      </div>
    </div>
  )
}

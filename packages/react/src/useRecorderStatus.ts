import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import { INITIAL_STATUS, type RecorderStatus } from '@tapedeck/core'
import { useRecorder } from './useRecorder'

const identity = <T,>(value: T) => value

/**
 * The recorder's status (`recorder.getSnapshot()`), kept up to date through
 * `useSyncExternalStore`. With a selector, the component re-renders only when the selected value
 * changes (`isEqual`, default `Object.is`): `useRecorderStatus((s) => s.state)` ignores the
 * counts that change with every batch. On the server and while hydrating it reads the status of
 * a recorder that has not started (`state: 'idle'`, `ready: false`).
 */
export function useRecorderStatus(): RecorderStatus
export function useRecorderStatus<T>(selector: (status: RecorderStatus) => T, isEqual?: (a: T, b: T) => boolean): T
export function useRecorderStatus<T>(
  selector: (status: RecorderStatus) => T = identity as (status: RecorderStatus) => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  const recorder = useRecorder()
  const subscribe = useCallback((listener: () => void) => recorder.subscribe(listener), [recorder])
  // The value this component last rendered: a new selector function each render (an inline
  // arrow) must not mean a new value when the selection is equal.
  const rendered = useRef<{ value: T } | null>(null)
  const [getSelection, getServerSelection] = useMemo(() => {
    const memoize = (read: () => RecorderStatus) => {
      let memo: { snapshot: RecorderStatus; value: T } | undefined
      return () => {
        const snapshot = read()
        if (memo && memo.snapshot === snapshot) return memo.value
        const next = selector(snapshot)
        const previous = memo ?? rendered.current
        const value = previous && isEqual(previous.value, next) ? previous.value : next
        memo = { snapshot, value }
        return value
      }
    }
    return [memoize(() => recorder.getSnapshot()), memoize(() => INITIAL_STATUS)]
  }, [recorder, selector, isEqual])
  const value = useSyncExternalStore(subscribe, getSelection, getServerSelection)
  useEffect(() => {
    rendered.current = { value }
  }, [value])
  return value
}

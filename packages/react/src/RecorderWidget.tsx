import { createElement, useEffect, useRef, type CSSProperties, type ReactNode } from 'react'
import { defineRecorderElement, type DownloadDetail, type TapedeckRecorderElement, type WidgetPosition } from '@tapedeck/widget'
import { useRecorder } from './useRecorder'

export interface RecorderWidgetProps {
  /** Corner of the viewport: `bottom-right` (default), `bottom-left`, `top-right`, `top-left`. */
  position?: WidgetPosition
  className?: string
  style?: CSSProperties
  /**
   * The widget's Save button made a session file (`tapedeck-download`). Call
   * `event.preventDefault()` to keep or upload the file instead of downloading it.
   */
  onDownload?(event: CustomEvent<DownloadDetail>): void
  /** Light DOM for the element's slots, e.g. `<span slot="consent">…</span>`. */
  children?: ReactNode
}

/**
 * `<tapedeck-recorder>` (from `@tapedeck/widget`) for the recorder of the nearest
 * `<RecorderProvider>`: the element is registered on first mount (in the browser only) and given
 * the provider's recorder as its `recorder` property.
 */
export function RecorderWidget({ position, className, style, onDownload, children }: RecorderWidgetProps) {
  const recorder = useRecorder()
  const ref = useRef<TapedeckRecorderElement>(null)

  useEffect(() => {
    // Registering upgrades the element React already made; from then on `recorder` is its property.
    defineRecorderElement()
    const element = ref.current
    if (!element) return
    element.recorder = recorder
    return () => {
      element.recorder = null
    }
  }, [recorder])

  useEffect(() => {
    const element = ref.current
    if (!element || !onDownload) return
    const listener = (event: Event) => onDownload(event as CustomEvent<DownloadDetail>)
    element.addEventListener('tapedeck-download', listener)
    return () => element.removeEventListener('tapedeck-download', listener)
  }, [onDownload])

  return createElement('tapedeck-recorder', { ref, position, className, style }, children)
}

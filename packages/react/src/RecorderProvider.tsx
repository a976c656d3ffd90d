import { useLayoutEffect, useState, type ReactNode } from 'react'
import { createRecorder, type Recorder, type RecorderOptions } from '@tapedeck/core'
import { RecorderContext } from './RecorderContext'

export interface RecorderProviderProps {
  /** Options of the recorder the provider creates. Read once, on the first render. */
  options?: RecorderOptions
  /** A recorder made elsewhere: the provider shares it and leaves closing it to you. */
  recorder?: Recorder
  children?: ReactNode
}

/**
 * One recorder for the tree below. `createRecorder` does nothing until the recorder is used, so it
 * is made during render (twice in StrictMode, on the server: no harm). The provider `retain()`s it
 * on mount and `release()`s it on unmount; StrictMode's extra unmount and mount keep the same
 * recorder and session, a real unmount closes it, and a mount after that reopens it.
 */
export function RecorderProvider({ options, recorder, children }: RecorderProviderProps) {
  const [owned] = useState(() => createRecorder(options))
  const value = recorder ?? owned
  // A layout effect runs before the passive effects below: children find it mounted (or reopened).
  useLayoutEffect(() => {
    if (value === recorder) return
    value.retain()
    return () => value.release()
  }, [value, recorder])
  return <RecorderContext.Provider value={value}>{children}</RecorderContext.Provider>
}

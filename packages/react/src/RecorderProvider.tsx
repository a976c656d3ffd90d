import { useLayoutEffect, useState, type ReactNode } from 'react'
import type { Recorder, RecorderOptions } from '@tapedeck/core'
import { createLazyRecorder } from './createLazyRecorder'
import { RecorderContext } from './RecorderContext'

export interface RecorderProviderProps {
  /** Options of the recorder the provider creates. Read once, on the first render. */
  options?: RecorderOptions
  /** A recorder made elsewhere: the provider shares it and leaves closing it to you. */
  recorder?: Recorder
  children?: ReactNode
}

/**
 * One recorder for the tree below. The provider makes its recorder on mount, in the browser only,
 * and closes it when it unmounts for real; StrictMode's extra unmount and mount keep the same
 * recorder and the same session (see `createLazyRecorder`).
 */
export function RecorderProvider({ options, recorder, children }: RecorderProviderProps) {
  // A handle, not a recorder: free to make during render (twice in StrictMode, on the server).
  const [owned] = useState(() => createLazyRecorder(options ?? {}))
  // A layout effect: it runs before any passive effect of the tree below, so a provider mounted
  // again after a real unmount (an <Activity> shown again) has a working recorder before its
  // children's effects use it.
  useLayoutEffect(() => {
    if (recorder) return
    owned.retain()
    return () => owned.release()
  }, [owned, recorder])
  return <RecorderContext.Provider value={recorder ?? owned}>{children}</RecorderContext.Provider>
}

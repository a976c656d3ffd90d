import { useContext } from 'react'
import type { Recorder } from '@tapedeck/core'
import { RecorderContext } from './RecorderContext'

/** The recorder of the nearest `<RecorderProvider>`. */
export function useRecorder(): Recorder {
  return useContext(RecorderContext) ?? noProvider()
}

export function noProvider(): never {
  throw new Error(
    'Tapedeck: useRecorder() and the Tapedeck hooks need a <RecorderProvider> above this component. Wrap your app (in Next.js: a client component in the root layout) in <RecorderProvider options={…}>.',
  )
}

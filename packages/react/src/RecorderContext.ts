import { createContext } from 'react'
import type { Recorder } from '@tapedeck/core'

/** The recorder of the nearest `<RecorderProvider>`; `null` outside one. */
export const RecorderContext = createContext<Recorder | null>(null)
RecorderContext.displayName = 'TapedeckRecorder'

import { expectTypeOf, test } from 'vitest'
import type { Recorder, TapedeckEvent } from '@tapedeck/core'
import type { RecorderSource, RecordingSource } from './loadRecording'

test('a core recorder is a recording source as it is', () => {
  expectTypeOf<{ recorder: Recorder; sessionId: string }>().toExtend<RecorderSource>()
  expectTypeOf<{ recorder: Recorder; sessionId: string }>().toExtend<RecordingSource>()
  expectTypeOf<TapedeckEvent[]>().toExtend<RecordingSource>()
  expectTypeOf<Uint8Array>().toExtend<RecordingSource>()
  expectTypeOf<{ endpoint: string; sessionId: string; token: () => Promise<string> }>().toExtend<RecordingSource>()
  expectTypeOf<{ sessionId: string }>().not.toExtend<RecordingSource>()
})

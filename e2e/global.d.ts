import type { Recorder, createRecorder } from '@tapedeck/core'

declare global {
  interface Window {
    recorderUnderTest: Recorder
    tapedeck: {
      createRecorder: typeof createRecorder
      blobWorker(): Promise<() => Worker>
      interceptedWorker(intercept: (message: unknown, post: () => void) => boolean): Worker
      markAllSent(dbName?: string): Promise<number>
      chunkStates(dbName?: string): Promise<Array<{ state: string; count: number }>>
      installOfflineShell(): Promise<void>
    }
  }
}

import type { createRecorder } from '@tapedeck/core'

declare global {
  interface Window {
    tapedeck: {
      createRecorder: typeof createRecorder
      blobWorker(): Promise<() => Worker>
      markAllSent(dbName?: string): Promise<number>
      chunkStates(dbName?: string): Promise<Array<{ state: string; count: number }>>
    }
  }
}

import { TapedeckError } from '../errors'
import type { ExportFormat, RecorderWorkerApi, SessionQuery } from '../engine/protocol'
import type { DeadLettersApi, SessionsApi } from './types'

/** What the read APIs need of the recorder. */
export interface ReadHost {
  /**
   * The engine's API once everything accepted so far is handed over (`flushFirst`); rejects with
   * `consent_required` while nothing may be stored, `storage_unavailable` when storage could not start.
   */
  engine(flushFirst: boolean): Promise<Pick<RecorderWorkerApi, ReadCalls>>
  /** `sessions.delete()` of the session being recorded ends it on the page first. */
  forget(sessionId: string): void
}

type ReadCalls =
  | 'listSessions'
  | 'getSession'
  | 'readEvents'
  | 'exportSession'
  | 'listBlobs'
  | 'getBlob'
  | 'deleteSession'
  | 'deadLetters'
  | 'retryDeadLetters'
  | 'discardDeadLetters'

/** `recorder.sessions`: what this browser holds, read through the engine. */
export function sessionsApi(host: ReadHost): SessionsApi {
  const engine = () => host.engine(true)
  return {
    list: async (query: SessionQuery = {}) => (await engine()).listSessions(query),
    get: async (id: string) => (await engine()).getSession(id),
    events: async (id: string, { fromSeq, limit }: { fromSeq?: number; limit?: number } = {}) => (await engine()).readEvents(id, fromSeq, limit),
    export: async (id: string, format: ExportFormat = 'jsonl') => {
      const bytes = await (await engine()).exportSession(id, format)
      if (!bytes) throw new TapedeckError('session_not_found', `There is no session ${JSON.stringify(id)} in this browser.`)
      return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: format === 'jsonl' ? 'application/x-ndjson' : 'application/gzip' })
    },
    blobs: async (id: string) => (await engine()).listBlobs(id),
    blob: async (id: string, blobId: string, part = 0) => {
      const stored = await (await engine()).getBlob(id, blobId, part)
      return stored && new Blob([stored.bytes], { type: stored.mimeType })
    },
    delete: async (id: string) => {
      host.forget(id)
      return (await engine()).deleteSession(id)
    },
  }
}

/** `recorder.deadLetters`: batches the backend refused for good. */
export function deadLettersApi(host: ReadHost): DeadLettersApi {
  const engine = () => host.engine(false)
  return {
    list: async () => (await engine()).deadLetters(),
    retry: async (sessionId?: string) => (await engine()).retryDeadLetters(sessionId),
    discard: async (sessionId?: string) => (await engine()).discardDeadLetters(sessionId),
  }
}

import { TapedeckError } from '../errors'
import type { ExportFormat, RecorderWorkerApi, SessionQuery } from '../engine/protocol'
import type { DeadLettersApi, SessionsApi } from './types'

/** What the read APIs need of the recorder. */
export interface ReadHost {
  /** The engine's API (rejects with `storage_unavailable` when storage could not start). */
  link: { readonly connected: boolean; api(): Promise<Pick<RecorderWorkerApi, ReadCalls>> }
  /** Consent is required and not given: nothing may be stored. */
  blocked(): boolean
  /** Hands everything accepted so far over to the engine. */
  flush(): Promise<unknown>
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

/** `recorder.sessions` and `recorder.deadLetters`: what this browser holds, read through the engine. */
export function readApis(host: ReadHost): { sessions: SessionsApi; deadLetters: DeadLettersApi } {
  /** The engine, once everything accepted so far is handed over (`flushFirst`); `consent_required` before anything may be stored. */
  const reader = (flushFirst: boolean) => async () => {
    if (!host.link.connected && host.blocked()) {
      throw new TapedeckError('consent_required', 'Consent is required and was not given: nothing is stored, so there is nothing to read yet.')
    }
    if (flushFirst) await host.flush()
    return host.link.api()
  }
  return { sessions: sessionsApi(host, reader(true)), deadLetters: deadLettersApi(reader(false)) }
}

type Reader = () => Promise<Pick<RecorderWorkerApi, ReadCalls>>

function sessionsApi(host: ReadHost, engine: Reader): SessionsApi {
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

/** Batches the backend refused for good. */
function deadLettersApi(engine: Reader): DeadLettersApi {
  return {
    list: async () => (await engine()).deadLetters(),
    retry: async (sessionId?: string) => (await engine()).retryDeadLetters(sessionId),
    discard: async (sessionId?: string) => (await engine()).discardDeadLetters(sessionId),
  }
}

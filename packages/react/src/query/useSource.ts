import { useContext } from 'react'
import type { ExportFormat, Recorder, SessionPage, SessionQuery, SessionRecord, TapedeckEvent } from '@tapedeck/core'
import { RecorderContext } from '../RecorderContext'
import { noProvider } from '../useRecorder'
import { isRecordingServer, type RecordingServer, type RecordingSource } from './RecordingSource'
import { createReadClient, ReadApiError } from '@tapedeck/core/read'
import type { ServerExportFormat, ServerSession, ServerSessionPage } from './serverTypes'
import { tapedeckKeys, type TapedeckScope } from './tapedeckKeys'

/** What a source answers: the recorder's own records locally, the server's descriptions remotely. */
export type RecordingsPage<S extends RecordingSource> = S extends RecordingServer ? ServerSessionPage : SessionPage
/** What a source says of one recording: the recorder's `SessionRecord`, or the server's `SessionDetail`. */
export type RecordingDetail<S extends RecordingSource> = S extends RecordingServer ? ServerSession : SessionRecord
/** @deprecated Use `RecordingDetail`: `Recording` is also the player's loaded recording (`@tapedeck/player`, `<ReplayViewer recording>`). */
export type Recording<S extends RecordingSource> = RecordingDetail<S>
export type RecordingExportFormat<S extends RecordingSource> = S extends RecordingServer ? ServerExportFormat : ExportFormat

/** One way to read and change recordings, whichever the source. */
export interface SourceReader {
  scope: TapedeckScope
  list(filter: SessionQuery, signal?: AbortSignal): Promise<SessionPage | ServerSessionPage>
  /** `null` when the source has no such session (react-query does not take `undefined`). */
  get(id: string, signal?: AbortSignal): Promise<SessionRecord | ServerSession | null>
  events(id: string, fromSeq: number | undefined, signal?: AbortSignal): Promise<TapedeckEvent[]>
  export(id: string, format: string | undefined): Promise<Blob>
  delete(id: string): Promise<boolean>
}

/**
 * The reader for a source. The local source needs a `<RecorderProvider>`; a server source does
 * not, so an admin page can list server recordings without recording anything itself.
 */
export function useSource(source: RecordingSource = 'local'): SourceReader {
  const recorder = useContext(RecorderContext)
  if (isRecordingServer(source)) return serverReader(source)
  return localReader(recorder ?? noProvider())
}

function localReader(recorder: Recorder): SourceReader {
  return {
    scope: tapedeckKeys.local(recorder),
    list: (filter) => recorder.sessions.list(filter),
    get: async (id) => (await recorder.sessions.get(id)) ?? null,
    events: (id, fromSeq) => recorder.sessions.events(id, fromSeq === undefined ? {} : { fromSeq }),
    export: (id, format) => recorder.sessions.export(id, format as ExportFormat | undefined),
    delete: (id) => recorder.sessions.delete(id),
  }
}

function serverReader(source: RecordingServer): SourceReader {
  const client = createReadClient({ endpoint: source.server, ...(source.headers && { headers: source.headers }) })
  return {
    scope: tapedeckKeys.server(source.server),
    list: (filter, signal) => client.listSessions(filter, signal),
    get: (id, signal) => orNull(client.getSession(id, signal)),
    events: async (id, fromSeq, signal) => (await orNull(client.events(id, { ...(fromSeq && { fromSeq }), ...(signal && { signal }) }))) ?? [],
    export: (id, format) => client.exportSession(id, (format ?? 'jsonl') as ServerExportFormat),
    delete: async (id) => (await orNull(client.deleteSession(id).then(() => true))) ?? false,
  }
}

/** "No such session" is `null`, not an error: the local source answers so too. */
async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call
  } catch (error) {
    if (error instanceof ReadApiError && error.status === 404 && error.code === 'session_not_found') return null
    throw error
  }
}

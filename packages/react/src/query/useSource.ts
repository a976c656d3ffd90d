import { useContext } from 'react'
import type { ExportFormat, Recorder, SessionPage, SessionQuery, SessionRecord, TapedeckEvent } from '@tapedeck/core'
import { RecorderContext } from '../RecorderContext'
import { noProvider } from '../useRecorder'
import { isServerSource, type RecordingSource, type ServerSource } from './RecordingSource'
import { serverClient } from './serverClient'
import type { ServerExportFormat, ServerSession, ServerSessionPage } from './serverTypes'
import { tapedeckKeys, type TapedeckScope } from './tapedeckKeys'

/** What a source answers: the recorder's own records locally, the server's descriptions remotely. */
export type RecordingsPage<S extends RecordingSource> = S extends ServerSource ? ServerSessionPage : SessionPage
export type Recording<S extends RecordingSource> = S extends ServerSource ? ServerSession : SessionRecord
export type RecordingExportFormat<S extends RecordingSource> = S extends ServerSource ? ServerExportFormat : ExportFormat

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
  if (isServerSource(source)) return serverReader(source)
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

function serverReader(source: ServerSource): SourceReader {
  return {
    scope: tapedeckKeys.server(source.server),
    list: (filter, signal) => serverClient.list(source, filter, signal),
    get: (id, signal) => serverClient.get(source, id, signal),
    events: (id, fromSeq, signal) => serverClient.events(source, id, fromSeq, signal),
    export: (id, format) => serverClient.export(source, id, (format ?? 'jsonl') as ServerExportFormat),
    delete: (id) => serverClient.delete(source, id),
  }
}

/**
 * Where recordings are read from: `local`, this browser's IndexedDB through the provider's
 * recorder; or a Tapedeck server's read API (docs/protocol.md §4), with the headers it needs (a read
 * key: `{ Authorization: 'Bearer …' }`).
 */
export type RecordingSource = 'local' | RecordingServer

/** A Tapedeck server recordings are read from (through core's read client, `@tapedeck/core/read`). */
export interface RecordingServer {
  /** Base URL of the server (what the recorder's `endpoint` is), e.g. `https://rec.example.com`. */
  server: string
  headers?: Record<string, string>
}

/** @deprecated Use `RecordingServer` (the player's `ServerSource` is another shape: one session on a server). */
export type ServerSource = RecordingServer

export function isRecordingServer(source: RecordingSource): source is RecordingServer {
  return typeof source === 'object' && source !== null
}

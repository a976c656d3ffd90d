/**
 * Where recordings are read from: `local`, this browser's IndexedDB through the provider's
 * recorder; or a Tapedeck server's read API (docs/protocol.md §4), with the headers it needs (a read
 * key: `{ Authorization: 'Bearer …' }`).
 */
export type RecordingSource = 'local' | ServerSource

export interface ServerSource {
  /** Base URL of the server (what the recorder's `endpoint` is), e.g. `https://rec.example.com`. */
  server: string
  headers?: Record<string, string>
}

export function isServerSource(source: RecordingSource): source is ServerSource {
  return typeof source === 'object' && source !== null
}

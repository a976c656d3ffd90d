import { loadRecordingsFromServer, type ServerQuery } from './loadRecordingsFromServer'
import type { LoadOptions } from './loadRecording'
import type { Recording } from '../recording/Recording'
import { loadRecordingsFromDir } from './loadRecordingsFromDir'

/**
 * Recordings from a folder (a path) or a server (an `http(s)://` endpoint, or `{ endpoint, query }`),
 * as test cases: `test.each(await loadRecordings('recordings'))('$sessionId', …)`.
 */
export async function loadRecordings(source: string | ServerQuery, options: LoadOptions = {}): Promise<Recording[]> {
  if (typeof source !== 'string') return loadRecordingsFromServer(source, options)
  if (/^https?:\/\//i.test(source)) return loadRecordingsFromServer({ endpoint: source }, options)
  return loadRecordingsFromDir(source, options)
}

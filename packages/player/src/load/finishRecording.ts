import { buildRecording, type RecordingParts } from '../recording/buildRecording'
import type { Recording } from '../recording/Recording'
import { openSealed } from '../seal/openSealed'
import type { LoadOptions } from './sources'

/** What any source read, as a `Recording`: sealed payloads opened first (`privateKey`), then checked and indexed. */
export async function finishRecording(parts: RecordingParts, options: LoadOptions): Promise<Recording> {
  return buildRecording(await openSealed(parts, options.privateKey))
}

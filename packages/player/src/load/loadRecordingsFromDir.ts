import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadRecording, type LoadOptions } from './loadRecording'
import { playerError, type PlayerErrorCode } from '../playerError'
import type { Recording } from '../recording/Recording'

/** The files a folder of recordings holds: Tapedeck NDJSON or PromptKit JSONL, JSON, zip exports, gzip. */
export const RECORDING_EXTENSIONS = ['.jsonl', '.ndjson', '.json', '.zip', '.gz']

/**
 * Node only: every recording in a folder (one session a file, files in name order), for a batch
 * evaluation or `test.each`. A file that is not a recording throws `invalid_recording` naming it.
 */
export async function loadRecordingsFromDir(dir: string, options: LoadOptions = {}): Promise<Recording[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && RECORDING_EXTENSIONS.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => entry.name)
    .sort()
  const recordings: Recording[] = []
  for (const name of names) {
    const bytes = await readFile(join(dir, name))
    try {
      recordings.push(await loadRecording(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options))
    } catch (error) {
      const code = (error as { code?: unknown }).code
      throw playerError(typeof code === 'string' ? (code as PlayerErrorCode) : 'invalid_recording', `${join(dir, name)}: ${(error as Error).message}`, error)
    }
  }
  return recordings
}

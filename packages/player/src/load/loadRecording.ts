import { Gunzip } from 'fflate'
import { playerError } from '../playerError'
import type { RecordingParts } from '../recording/buildRecording'
import type { BlobPartInfo, Recording } from '../recording/Recording'
import { finishRecording } from './finishRecording'
import type { LoadOptions, RecorderSource, RecordingSource, ServerSource } from './sources'
import { loadFromRecorder } from './loadFromRecorder'
import { loadFromServer } from './loadFromServer'
import { parseText } from './parseText'
import { readZip } from './readZip'

export type { LoadOptions, RecorderSessionsLike, RecorderSource, RecordingSource, ServerSource } from './sources'

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function gunzipAll(bytes: Uint8Array): Uint8Array {
  // `Gunzip` reads every member of a multi-member file (stored chunks concatenate); `gunzipSync` stops after the first.
  const pieces: Uint8Array[] = []
  let total = 0
  try {
    const stream = new Gunzip((chunk) => {
      pieces.push(chunk)
      total += chunk.length
    })
    stream.push(bytes, true)
  } catch (error) {
    throw playerError('invalid_recording', 'The gzip data could not be read.', error)
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const piece of pieces) {
    out.set(piece, offset)
    offset += piece.length
  }
  return out
}

function fromBytes(bytes: Uint8Array, options: LoadOptions): RecordingParts {
  const extra = options.annotations ?? []
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    const zip = readZip(bytes)
    const getPart = async (info: BlobPartInfo) => {
      const path = zip.paths.get(`${info.blobId}\u0000${info.part}`)
      const data = path === undefined ? undefined : zip.files.get(path)
      return data ? new Blob([data as Uint8Array<ArrayBuffer>], { type: info.mimeType }) : undefined
    }
    return {
      source: 'zip',
      events: zip.events,
      sessionId: options.sessionId ?? zip.sessionId,
      parts: zip.parts,
      getPart,
      annotations: [...(zip.annotations ?? []), ...extra],
      describe: (i) => `events.jsonl: ${zip.describe(i)}`,
    }
  }
  const text = new TextDecoder().decode(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipAll(bytes) : bytes)
  return fromText(text, options)
}

function fromText(text: string, options: LoadOptions): RecordingParts {
  const parsed = parseText(text)
  return {
    source: parsed.kind === 'promptkit' ? 'promptkit' : parsed.kind === 'events' ? 'events' : 'jsonl',
    events: parsed.events,
    sessionId: options.sessionId ?? parsed.sessionId,
    annotations: [...(parsed.annotations ?? []), ...(options.annotations ?? [])],
    describe: parsed.describe,
  }
}

/**
 * Reads a recording from wherever it is (see `RecordingSource`) into a `Recording`: one
 * session's events in seq order, gaps reported (not thrown), attachments listed and read
 * lazily. Throws a `TapedeckError`: `invalid_recording` for input that is not a recording,
 * `session_not_found` for a session the recorder or server does not have, `load_failed` when a
 * server cannot be read.
 */
export async function loadRecording(source: RecordingSource, options: LoadOptions = {}): Promise<Recording> {
  if (typeof source === 'string') return finishRecording(fromText(source, options), options)
  if (Array.isArray(source)) {
    return finishRecording({ source: 'events', events: source, sessionId: options.sessionId, annotations: options.annotations }, options)
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) return finishRecording(fromBytes(new Uint8Array(await source.arrayBuffer()), options), options)
  if (source instanceof ArrayBuffer) return finishRecording(fromBytes(new Uint8Array(source), options), options)
  if (ArrayBuffer.isView(source)) return finishRecording(fromBytes(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), options), options)
  if (isObject(source) && isObject(source.recorder) && typeof source.sessionId === 'string') {
    return loadFromRecorder(source as unknown as RecorderSource, options)
  }
  if (isObject(source) && typeof source.endpoint === 'string' && typeof source.sessionId === 'string') {
    return loadFromServer(source as unknown as ServerSource, options)
  }
  throw playerError(
    'invalid_recording',
    'loadRecording takes { recorder, sessionId }, { endpoint, sessionId }, text, a Blob, bytes or an array of events.',
  )
}

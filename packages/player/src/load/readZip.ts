import { unzipSync } from 'fflate'
import type { Annotation } from '../annotations/Annotation'
import { fromReviewAnnotation, reviewAnnotationsIn } from '../annotations/fromReviewAnnotation'
import { playerError } from '../playerError'
import type { BlobPartInfo } from '../recording/Recording'
import { parseText, type ParsedText } from './parseText'

export interface ZipContents extends ParsedText {
  parts: BlobPartInfo[]
  files: Map<string, Uint8Array>
  /** The zip path of each part, by `blobId\0part`. */
  paths: Map<string, string>
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readJson(files: Record<string, Uint8Array>, name: string): unknown {
  const bytes = files[name]
  if (!bytes) return undefined
  try {
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch (error) {
    throw playerError('invalid_recording', `${name} in the zip is not JSON.`, error)
  }
}

/**
 * Reads a zip export: ours (`toZip`: events.jsonl, metadata.json with the blob list, audio/…,
 * annotations.json) or the reference server's (`?format=zip`: events.jsonl, metadata.json,
 * review-annotations.json, blobs/{blobId}/{part}).
 */
export function readZip(bytes: Uint8Array): ZipContents {
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes)
  } catch (error) {
    throw playerError('invalid_recording', 'The zip could not be read.', error)
  }
  const eventsFile = files['events.jsonl']
  if (!eventsFile) throw playerError('invalid_recording', 'The zip has no events.jsonl: not a Tapedeck export.')
  const parsed = parseText(new TextDecoder().decode(eventsFile))

  const metadata = readJson(files, 'metadata.json')
  const parts: BlobPartInfo[] = []
  const paths = new Map<string, string>()
  const listed = isObject(metadata) && Array.isArray(metadata.blobs) ? metadata.blobs : []
  for (const entry of listed) {
    if (!isObject(entry) || typeof entry.blobId !== 'string' || typeof entry.path !== 'string') continue
    const part = Number(entry.part)
    if (!Number.isInteger(part)) continue
    const mimeType = typeof entry.mimeType === 'string' ? entry.mimeType : typeof entry.contentType === 'string' ? entry.contentType : 'application/octet-stream'
    const info: BlobPartInfo = { blobId: entry.blobId, part, mimeType }
    if (typeof entry.track === 'string') info.track = entry.track
    if (typeof entry.startT === 'number') info.startT = entry.startT
    if (typeof entry.durationMs === 'number') info.durationMs = entry.durationMs
    const size = typeof entry.bytes === 'number' ? entry.bytes : entry.size
    if (typeof size === 'number') info.bytes = size
    parts.push(info)
    paths.set(`${info.blobId}\u0000${part}`, entry.path)
  }

  const annotations = readJson(files, 'annotations.json')
  const reviewed = reviewAnnotationsIn(readJson(files, 'review-annotations.json')).map((review) => fromReviewAnnotation(review, parsed.events))
  const own = Array.isArray(annotations) ? (annotations as Annotation[]) : parsed.annotations
  const external = reviewed.length ? [...(own ?? []), ...reviewed] : own
  const sessionId = parsed.sessionId ?? (isObject(metadata) && typeof metadata.sessionId === 'string' ? metadata.sessionId : isObject(metadata) && typeof metadata.id === 'string' ? metadata.id : undefined)
  return { ...parsed, sessionId, annotations: external, parts, paths, files: new Map(Object.entries(files)) }
}

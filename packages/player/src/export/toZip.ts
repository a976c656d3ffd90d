import { zipSync, type Zippable } from 'fflate'
import type { SnapshotCreatedData } from '@tapedeck/core'
import { isTapedeckError } from '@tapedeck/core'
import type { Recording } from '../recording/Recording'
import { computeStats } from '../stats/computeStats'
import { toTranscript, type TranscriptFormat } from './toTranscript'

export interface ZipOptions {
  /** The export's time (`metadata.json`'s `exportedAt`), epoch ms. Default now. */
  now?: number
  /** `false` leaves the audio parts out (they stay listed in `metadata.json`, with `omitted: true`). Default `true`. */
  audio?: boolean
  /** `true` adds `transcript.vtt`, `transcript.srt`, `transcript.txt` and `transcript.json` (`toTranscript`). Default `false`. */
  transcripts?: boolean
}

const TRANSCRIPT_FORMATS: readonly TranscriptFormat[] = ['vtt', 'srt', 'txt', 'json']

const EXTENSIONS: Array<[RegExp, string]> = [
  [/^audio\/webm/, 'webm'],
  [/^audio\/ogg/, 'ogg'],
  [/^audio\/(mp4|aac|x-m4a)/, 'm4a'],
  [/^audio\/mpeg/, 'mp3'],
  [/^audio\/(wav|wave|x-wav)/, 'wav'],
]

function extension(mimeType: string): string {
  return EXTENSIONS.find(([pattern]) => pattern.test(mimeType))?.[1] ?? 'bin'
}

/**
 * The recording as one zip (fflate): `events.jsonl` (the events as the protocol sends them, one a
 * line), `metadata.json` (session metadata, completeness, statistics and the list of blob parts
 * with their paths), `snapshots.json` (every `snapshot.created`), `annotations.json` (the
 * external annotations) and the audio parts under `audio/{blobId}/{part}.{ext}` (other
 * attachments under `blobs/`). Parts the source cannot give are listed with `missing: true`.
 * `loadRecording` reads it back, audio included. `{ audio: false, transcripts: true }` gives the
 * words without the voices: no audio parts, and the transcript in every `toTranscript` format.
 */
export async function toZip(recording: Recording, options: ZipOptions = {}): Promise<Uint8Array> {
  const encoder = new TextEncoder()
  const json = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`)
  const lines = recording.events.map((event) => JSON.stringify(event))
  const files: Zippable = { 'events.jsonl': [encoder.encode(lines.length ? `${lines.join('\n')}\n` : ''), { level: 6 }] }

  const blobs: Array<Record<string, unknown>> = []
  for (const part of recording.blobs.parts) {
    const audio = part.track === 'input' || part.track === 'output'
    if (audio && options.audio === false) {
      blobs.push({ ...part, omitted: true })
      continue
    }
    const folder = audio ? 'audio' : 'blobs'
    const path = `${folder}/${part.blobId}/${part.part}.${extension(part.mimeType)}`
    try {
      const blob = await recording.blobs.get(part.blobId, part.part)
      // Recorded audio is compressed already: stored as it is.
      files[path] = [new Uint8Array(await blob.arrayBuffer()), { level: 0 }]
      blobs.push({ ...part, bytes: blob.size, path })
    } catch (error) {
      if (!isTapedeckError(error)) throw error
      blobs.push({ ...part, missing: true })
    }
  }

  const snapshots = recording.events
    .filter((event) => event.type === 'snapshot.created')
    .map((event) => {
      const data = event.data as SnapshotCreatedData
      return { seq: event.seq, t: event.t, ts: event.ts, snapshotId: data.snapshotId, description: data.description, state: data.state }
    })
  files['metadata.json'] = json({
    format: 'tapedeck-recording',
    version: 1,
    sessionId: recording.sessionId,
    metadata: recording.metadata,
    startedAt: recording.startedAt,
    complete: recording.complete,
    gaps: recording.gaps,
    exportedAt: new Date(options.now ?? Date.now()).toISOString(),
    stats: computeStats(recording),
    blobs,
  })
  files['snapshots.json'] = json(snapshots)
  files['annotations.json'] = json(recording.annotations)
  if (options.transcripts) {
    for (const format of TRANSCRIPT_FORMATS) files[`transcript.${format}`] = encoder.encode(toTranscript(recording, format))
  }
  return zipSync(files)
}

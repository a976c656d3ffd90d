import type { SeqRange, SessionStartedData, TapedeckEvent } from '@tapedeck/core'
import type { Annotation } from '../annotations/Annotation'

export type { SeqRange } from '@tapedeck/core'

/** @deprecated Use `SeqRange` (core's inclusive range of seqs, as the server's `completeness.gaps` has them). */
export type SeqGap = SeqRange

/** Where a recording was read from. */
export type RecordingSourceKind = 'recorder' | 'server' | 'jsonl' | 'promptkit' | 'zip' | 'events'

/** One stored part of a binary attachment: for audio, one MediaRecorder slice. */
export interface BlobPartInfo {
  blobId: string
  part: number
  mimeType: string
  /** `input` (the user) or `output` (the assistant) for audio; absent for other attachments. */
  track?: string
  /** Session time (`t`, ms) the part starts at, and its length, when it is media. */
  startT?: number
  durationMs?: number
  /** Size in bytes, when known before reading it. */
  bytes?: number
}

/** The recording's attachments: the list up front, the bytes only when asked for. */
export interface RecordingBlobs {
  /** Every known part, ordered by track, then `startT`, then blob id and part number. */
  readonly parts: readonly BlobPartInfo[]
  /** The parts of one track (`input` / `output`), in play order. */
  track(track: string): readonly BlobPartInfo[]
  /** The bytes of one part, as a Blob of its type. Throws `blob_not_found` when the source has no such part. */
  get(blobId: string, part: number): Promise<Blob>
  /**
   * All parts of one blob of a track concatenated in part order, as one Blob (MediaRecorder
   * slices only decode together: later slices carry no header; `audio/wav` parts, which each
   * carry one, are joined into one WAV). `blobId` defaults to the
   * track's first blob. `null` when the track has no parts.
   */
  trackBlob(track: string, blobId?: string): Promise<Blob | null>
}

/**
 * A recording read into memory: one session's events in `seq` order, checked for gaps,
 * plus lazy access to its audio and a list of out-of-band annotations.
 */
export interface Recording {
  readonly sessionId: string
  /** `data` of the seq-0 `session.started` event; `{}` when that event is missing. */
  readonly metadata: SessionStartedData
  /** Epoch ms of `session.started` (or of the first event), `null` for an empty recording. */
  readonly startedAt: number | null
  /** Sorted by `seq`, one event per seq (a repeated seq keeps its first copy). */
  readonly events: readonly TapedeckEvent[]
  /** Missing seqs between 0 and the last seq (`session.ended`'s `lastSeq` when present). */
  readonly gaps: readonly SeqRange[]
  /** `session.ended` is present and no seq before it is missing. */
  readonly complete: boolean
  /** Events dropped because their seq was already present. */
  readonly duplicates: number
  readonly blobs: RecordingBlobs
  /**
   * Annotations kept alongside the recording (not events of the session): `annotate()` adds
   * to this list (replacing the array), exports include it. Recorded `annotation.added`
   * events are not in it; `allAnnotations(recording)` gives both.
   */
  annotations: readonly Annotation[]
  readonly source: RecordingSourceKind
}

import type { JsonObject, MessageRole, TapedeckEvent } from '@tapedeck/core'
import type { Annotation } from '../annotations/Annotation'

/** A `message.created` as the conversation shows it. */
export interface PlayedMessage {
  messageId: string
  role: MessageRole | string
  content?: string
  parts?: unknown[]
  seq: number
  t: number
}

/** A provider call that started and has not completed or failed yet at the playhead. */
export interface InFlightCall {
  callId: string
  provider?: string
  model?: string
  seq: number
  /** `t` it started at. */
  t: number
}

/** A tool call that started and has not completed yet at the playhead. */
export interface InFlightTool {
  toolCallId: string
  name: string
  args?: unknown
  seq: number
  t: number
}

/** Sums over the provider calls finished so far (`provider.call.completed` / `failed`). */
export interface UsageTotals {
  /** USD, rounded to 1e-9 (sums of binary fractions drift). */
  costUsd: number
  inputTokens: number
  outputTokens: number
  cachedTokens: number
  reasoningTokens: number
  /** Calls finished: completed and failed. */
  calls: number
  failedCalls: number
}

/** The audio part under the playhead on one track. */
export interface ActiveAudio {
  blobId: string
  part: number
  mimeType: string
  /** Session time the part starts at, and its length. */
  startT: number
  durationMs: number
  /** How far into this part the playhead is, ms. */
  offsetMs: number
  /** Session time the part's blob (its first part) starts at: seek a player of `trackBlob()` to `position - blobStartT`. */
  blobStartT: number
}

/** A transcript segment, with the event that carried it. */
export interface TranscriptLine {
  speaker: string
  text: string
  startT: number
  endT: number
  final: boolean
  confidence?: number
  seq: number
}

/** The last `snapshot.created` at or before the playhead (its state via `snapshotAt`). */
export interface SnapshotMarker {
  snapshotId: string
  description?: string
  seq: number
  t: number
}

/**
 * What the recording shows at one playhead position: every event with `t <= position` has
 * happened. Arrays that only grow (`messages`, `transcript.segments`) are prefixes of lists
 * built once, materialised on first read.
 */
export interface PlaybackState {
  /** Playhead, ms since the session started. */
  position: number
  /** How many events have happened (an index into `recording.events`). */
  applied: number
  /** Seq of the last event that happened, -1 before the first. */
  lastSeq: number
  /** The last event that happened, `null` before the first. */
  lastEvent: TapedeckEvent | null
  messages: readonly PlayedMessage[]
  /** Provider calls started and not finished, oldest first. */
  callsInFlight: readonly InFlightCall[]
  /** Tool calls started and not finished, oldest first. */
  toolsInFlight: readonly InFlightTool[]
  usage: UsageTotals
  /** Which part of each audio track plays at the playhead, by the parts' own times (`startT`, `durationMs`). */
  audio: { input: ActiveAudio | null; output: ActiveAudio | null }
  transcript: {
    /** Final segments recorded so far. */
    segments: readonly TranscriptLine[]
    /** Final segments whose time range covers the playhead (a caption; by audio time, not event time). */
    current: readonly TranscriptLine[]
  }
  /** Annotations active at the playhead, recorded and external (see `Annotation`). */
  annotations: readonly Annotation[]
  snapshot: SnapshotMarker | null
}

/** What `player.snapshotAt()` returns: the state captured by a `snapshot.created`, to resume from. */
export interface ResumeSnapshot {
  snapshotId: string
  description?: string
  seq: number
  t: number
  /** The whole recorded state object. */
  state: JsonObject
  /** Read from `state` where present: `messages`, `systemPrompt` (or `system`), `model`, `tools`. */
  messages?: unknown[]
  systemPrompt?: string
  model?: string
  tools?: unknown[]
}

/**
 * The v1 event catalogue (docs/protocol.md §1) as one type map. `record()` is typed from it, so a
 * payload of the wrong shape fails to compile; `x.*` types are free for applications.
 */

import type { ConsoleLoggedData, NetworkFailedData, NetworkSocketData, PageContext, SessionKeptData, SessionSampling } from './captureData'

export type { ConsoleLoggedData, NetworkFailedData, NetworkSocketData, PageContext, SessionKeptData, SessionSampling, SocketTraffic } from './captureData'

/**
 * Free-form payload values are typed `unknown` on purpose: application types (interfaces
 * included) can be passed as they are, and `record()` checks at run time that they are JSON.
 */
export type JsonObject = { [key: string]: unknown }

export interface SessionMetadata {
  userId?: string
  feature?: string
  label?: string
  tags?: string[]
  agentId?: string
  /** Anything else the application wants to keep with the session. */
  metadata?: JsonObject
}

export interface SessionStartedData extends SessionMetadata {
  app?: { url?: string; title?: string }
  userAgent?: string
  recorder?: { version: string }
  /** How the session was sampled (`sampleRate`, `sample`, `mode`; docs/capture.md). */
  sampling?: SessionSampling
  /** The browser and page, once per session (`autoCapture.context`; docs/capture.md). */
  context?: PageContext
}

export interface LifecycleData {
  reason?: string
  [key: string]: unknown
}

export interface SessionEndedData extends LifecycleData {
  /** The seq of this very event: a backend holding 0..lastSeq holds the whole session. */
  lastSeq: number
}

export type MessageRole = 'user' | 'assistant' | 'system' | 'tool'

export interface MessageCreatedData {
  messageId: string
  role: MessageRole
  content?: string
  parts?: unknown[]
  [key: string]: unknown
}

export type TokenUsage = {
  inputTokens: number
  outputTokens: number
  cachedTokens?: number
  reasoningTokens?: number
}

export interface ProviderCallStartedData {
  callId: string
  provider: string
  model: string
  params?: JsonObject
  messages?: unknown[]
  /** The W3C trace the request carried (`propagate`, docs/capture.md): its trace id and the span its backend spans hang below. */
  traceId?: string
  spanId?: string
  [key: string]: unknown
}

export interface ProviderCallCompletedData {
  callId: string
  model: string
  provider?: string
  response?: unknown
  usage?: TokenUsage
  costUsd?: number
  latencyMs?: number
  ttftMs?: number
  finishReason?: string
  [key: string]: unknown
}

export interface ErrorDescription {
  name?: string
  message: string
  status?: number
  [key: string]: unknown
}

export interface ProviderCallFailedData {
  callId: string
  error: ErrorDescription
  latencyMs?: number
  [key: string]: unknown
}

export interface ToolCallStartedData {
  toolCallId: string
  name: string
  args?: unknown
  [key: string]: unknown
}

export interface ToolCallCompletedData {
  toolCallId: string
  name: string
  result?: unknown
  durationMs?: number
  error?: ErrorDescription | string
  [key: string]: unknown
}

export interface UserActionData {
  kind: 'click' | 'input' | 'submit' | 'navigation' | 'key' | 'custom'
  target?: string | { selector?: string; label?: string }
  url?: string
  [key: string]: unknown
}

export interface AudioPartData {
  blobId: string
  part: number
  mimeType: string
  startT: number
  durationMs: number
  bytes: number
  [key: string]: unknown
}

export interface TranscriptSegmentData {
  speaker: string
  text: string
  startT: number
  endT: number
  confidence?: number
  final: boolean
  [key: string]: unknown
}

export interface SnapshotCreatedData {
  snapshotId: string
  description?: string
  state: JsonObject
  [key: string]: unknown
}

export type AnnotationTarget = 'session' | { eventId: string } | { fromT: number; toT: number }

export interface AnnotationAddedData {
  annotationId: string
  kind: 'score' | 'label' | 'comment'
  key: string
  value: unknown
  target: AnnotationTarget
  [key: string]: unknown
}

export interface FeedbackSubmittedData {
  rating: number | string
  comment?: string
  messageId?: string
  [key: string]: unknown
}

export interface ValidationResultData {
  name: string
  passed: boolean
  score?: number
  details?: unknown
  [key: string]: unknown
}

export interface ErrorRaisedData {
  message: string
  stack?: string
  source?: string
  [key: string]: unknown
}

export interface MetricSampledData {
  name: string
  value: number
  unit?: string
  [key: string]: unknown
}

/** A barge-in: the user spoke over the assistant (`user-speech`), or the app cancelled its answer (`client-cancel`). */
export interface TurnInterruptedData {
  reason: string
  /** The response (call) that was interrupted. */
  callId?: string
  atT?: number
  [key: string]: unknown
}

/** A media track of a WebRTC call appeared or went away (`recordPeerConnection`). */
export interface RtcTrackData {
  change: 'added' | 'removed'
  /** `local`: the page sends it (the microphone); `remote`: the other side's. */
  side: 'local' | 'remote'
  trackId: string
  kind: string
  label?: string
  [key: string]: unknown
}

/** A WebRTC connection changed state (`recordPeerConnection`). */
export interface RtcStateData {
  connectionState: string
  iceConnectionState?: string
  [key: string]: unknown
}

export interface RecorderDroppedData {
  count: number
  reason: string
  [key: string]: unknown
}

/**
 * Seqs that were handed out (leased to a page) and may never be used: their absence is not a
 * loss (docs/protocol.md, "Explained gaps"). `from`..`to` inclusive, never holding the marker's own seq.
 */
export interface SeqSkippedData {
  from: number
  to: number
  reason: string
  [key: string]: unknown
}

/** Written by the recorder when the user grants or withdraws consent (`consent: 'required'`). */
export interface ConsentChangedData {
  state: 'granted' | 'withdrawn'
  scopes: { content: boolean; actions: boolean; audio: boolean }
  [key: string]: unknown
}

export interface EventDataMap {
  'session.started': SessionStartedData
  'session.paused': LifecycleData
  'session.resumed': LifecycleData
  'session.ended': SessionEndedData
  'session.interrupted': LifecycleData
  'message.created': MessageCreatedData
  'provider.call.started': ProviderCallStartedData
  'provider.call.completed': ProviderCallCompletedData
  'provider.call.failed': ProviderCallFailedData
  'tool.call.started': ToolCallStartedData
  'tool.call.completed': ToolCallCompletedData
  'user.action': UserActionData
  'audio.input': AudioPartData
  'audio.output': AudioPartData
  'transcript.segment': TranscriptSegmentData
  'snapshot.created': SnapshotCreatedData
  'annotation.added': AnnotationAddedData
  'feedback.submitted': FeedbackSubmittedData
  'validation.result': ValidationResultData
  'error.raised': ErrorRaisedData
  'metric.sampled': MetricSampledData
  'turn.interrupted': TurnInterruptedData
  'rtc.track': RtcTrackData
  'rtc.state': RtcStateData
  'recorder.dropped': RecorderDroppedData
  'seq.skipped': SeqSkippedData
  'consent.changed': ConsentChangedData
  'session.kept': SessionKeptData
  'console.logged': ConsoleLoggedData
  'network.failed': NetworkFailedData
  'network.socket': NetworkSocketData
}

export type CatalogueEventType = keyof EventDataMap
/** Free types for applications: `x.<anything>`. */
export type CustomEventType = `x.${string}`
export type EventType = CatalogueEventType | CustomEventType

/** Types only the recorder writes: lifecycle, consent and drop reports. */
export type ReservedEventType = `session.${string}` & CatalogueEventType | 'recorder.dropped' | 'seq.skipped' | 'consent.changed'
/** Types an application may pass to `record()`. */
export type RecordableEventType = Exclude<CatalogueEventType, ReservedEventType> | CustomEventType

/**
 * Your own `x.*` events, typed: declare each once, by module augmentation, and `record()` checks
 * its payload like a catalogue event's (docs/react.md, "Typed custom events"):
 *
 * ```ts
 * declare module '@tapedeck/core' {
 *   interface CustomEventMap {
 *     'x.checkout.step': { step: number; plan?: 'free' | 'pro' }
 *   }
 * }
 * ```
 *
 * An `x.*` type not declared here takes any JSON object.
 */
export interface CustomEventMap {}

export type EventData<T extends EventType> = T extends CatalogueEventType
  ? EventDataMap[T]
  : T extends keyof CustomEventMap
    ? CustomEventMap[T]
    : JsonObject

/** One recorded fact, as stored and as sent (docs/protocol.md §1). */
export interface TapedeckEvent<T extends EventType = EventType> {
  v: 1
  id: string
  sessionId: string
  seq: number
  ts: number
  t: number
  tab: string
  type: T
  data: EventData<T>
  checkpoint?: true
}

export const CATALOGUE_TYPES: ReadonlySet<string> = new Set<CatalogueEventType>([
  'session.started',
  'session.paused',
  'session.resumed',
  'session.ended',
  'session.interrupted',
  'message.created',
  'provider.call.started',
  'provider.call.completed',
  'provider.call.failed',
  'tool.call.started',
  'tool.call.completed',
  'user.action',
  'audio.input',
  'audio.output',
  'transcript.segment',
  'snapshot.created',
  'annotation.added',
  'feedback.submitted',
  'validation.result',
  'error.raised',
  'metric.sampled',
  'turn.interrupted',
  'rtc.track',
  'rtc.state',
  'recorder.dropped',
  'seq.skipped',
  'consent.changed',
  'session.kept',
  'console.logged',
  'network.failed',
  'network.socket',
])

/**
 * Types only the recorder writes (start, pause, resume and stop write the session's; drops, seq
 * skips and consent changes are its own reports); `record()` refuses them. Never sealed for the
 * server (`staysClear` in `@tapedeck/core/read`): the backend orders, completes and erases by them.
 */
export function isReservedType(type: string): boolean {
  return type.startsWith('session.') || type === 'recorder.dropped' || type === 'seq.skipped' || type === 'consent.changed'
}

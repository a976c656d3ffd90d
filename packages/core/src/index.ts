export { createRecorder } from './client/createRecorder'
export { AUDIO_OFF, INITIAL_STATUS } from './client/initialStatus'
export type {
  AnnotationInput,
  AudioApi,
  AudioSource,
  AudioStartOptions,
  AudioStatus,
  AudioTrack,
  AudioTrackState,
  AudioTrackStatus,
  CaptureMode,
  ConsentApi,
  ConsentMode,
  ConsentOptions,
  ConsentScopes,
  ConsentState,
  ConsentStatus,
  EncryptionOptions,
  EncryptForServerOptions,
  Interaction,
  TranscriptInput,
  AttachOptions,
  AttachmentRef,
  DeadLettersApi,
  FlushResult,
  RecordOptions,
  Recorder,
  RecorderOptions,
  RecorderState,
  RecorderStatus,
  SessionInfo,
  SessionsApi,
  SnapshotInput,
  StartOptions,
  StopResult,
} from './client/types'
export type { PageLifecycle } from './client/pageLifecycle'
export type { OtlpOptions } from './sync/otlp/createOtlpTransport'
export type { AutoCaptureSet, CaptureOptions } from './capture/captureOptions'
export { TapedeckError, isTapedeckError, type ErrorInfo, type TapedeckErrorCode } from './errors'
export * from './events/catalogue'
export { describeError } from './events/describeError'
export { skippedRange } from './events/skippedRange'
export { createId } from './util/ulid'
export type { ExportFormat, SessionPage, SessionQuery, StorageKind } from './engine/protocol'
export type { ChunkRecord, SessionCounters, SessionRecord, SessionSealing, SessionStatus } from './storage/schema'
export type { CompressionLevel } from './storage/encodeBatch'
export type { RedactOptions, BuiltinRule } from './redact'
export type { Clock } from './util/clock'
export { Store } from './util/subscribable'
// The reference server's read API (docs/protocol.md §4): types only, shared by the server and the React hooks.
export type {
  SeqRange,
  SessionCompleteness,
  SessionDetail,
  SessionDetailStats,
  SessionDetailStatus,
  SessionExportFormat,
  SessionHold,
  SessionListPage,
} from './protocol/readApi'
// The Studio read API (docs/server.md, "Studio API").
export type {
  AccessInfo,
  CheckRate,
  CheckStatsGroup,
  CheckStatsGroupBy,
  CheckStatsResponse,
  Percentiles,
  ReviewAnnotation,
  ReviewAnnotationInput,
  ReviewAnnotationKind,
  ReviewAnnotationPatch,
  ReviewAnnotationRange,
  SearchMatch,
  SearchMatchField,
  SessionListItem,
  SessionSearchPage,
  SessionSortField,
  ShareCreated,
  ShareLink,
  StatsGroup,
  StatsGroupBy,
  StatsManyResponse,
  StatsResponse,
  StatsRow,
} from './protocol/readApi'
export { INITIAL_SYNC_STATUS, type SyncState, type SyncStatus } from './sync/syncStatus'
export type { BlobTransport, BlobUpload, SyncBatch, Transport, TransportContext, TransportResponse } from './sync/Transport'
export { VERSION } from './version'

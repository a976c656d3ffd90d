export { createRecorder } from './client/createRecorder'
export { INITIAL_STATUS } from './client/initialStatus'
export type {
  AnnotationInput,
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
export { TapedeckError, isTapedeckError, type ErrorInfo, type TapedeckErrorCode } from './errors'
export * from './events/catalogue'
export type { ExportFormat, SessionPage, SessionQuery, StorageKind } from './engine/protocol'
export type { ChunkRecord, SessionCounters, SessionRecord, SessionStatus } from './storage/schema'
export type { CompressionLevel } from './storage/applyBatch'
export type { RedactOptions, BuiltinRule } from './redact'
export type { Clock } from './util/clock'
export type { SyncState, SyncStatus } from './sync/SyncEngine'
export type { BlobTransport, BlobUpload, SyncBatch, Transport, TransportContext, TransportResponse } from './sync/Transport'
export { VERSION } from './version'
export {
  instrumentFetch,
  createInstrumentedFetch,
  type FetchFunction,
  type FetchInstrumentation,
  type FetchMatch,
  type InstrumentFetchOptions,
  type InstrumentedFetch,
} from './instrument/instrumentFetch'
export { recordChatTransport, CHAT_STATUS_EVENT, type ChatTransportShape, type RecordChatTransportOptions } from './instrument/recordChatTransport'
export { autoCapture, type AutoCapture, type AutoCaptureOptions } from './instrument/autoCapture'
export { DEFAULT_PRICES, PRICE_TABLE_VERSION, computeCost, lookupPrice, type CostResult, type CostSource, type ModelPrice, type PriceTable } from './instrument/prices'
export { normalizeUsage, type BillableTokens, type NormalizedUsage, type UsageFormat } from './instrument/normalizeUsage'
export { createSseParser, type SseEvent, type SseParser } from './instrument/sseParser'
export type { CaptureMode, InstrumentStats, RecorderLike } from './instrument/safeRecorder'

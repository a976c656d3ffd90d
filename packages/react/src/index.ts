export { RecorderProvider, type RecorderProviderProps } from './RecorderProvider'
export { useRecorder } from './useRecorder'
export { useRecorderStatus } from './useRecorderStatus'
export { useSyncStatus } from './useSyncStatus'
export { useSessionRecording, type SessionRecording, type SessionRecordingOptions } from './useSessionRecording'
export type { Interaction } from './recordInteraction'
export type { ToolCallInput } from './recordToolCall'
export { INITIAL_STATUS } from '@tapedeck/core'

// Core's types this API uses, so apps need one import.
export { TapedeckError, isTapedeckError } from '@tapedeck/core'
export type {
  AnnotationInput,
  ErrorDescription,
  ErrorInfo,
  ExportFormat,
  FeedbackSubmittedData,
  JsonObject,
  MessageCreatedData,
  MessageRole,
  Recorder,
  RecorderOptions,
  RecorderState,
  RecorderStatus,
  SessionInfo,
  SessionMetadata,
  SessionPage,
  SessionQuery,
  SessionRecord,
  SessionStatus,
  SnapshotInput,
  StartOptions,
  StopResult,
  SyncStatus,
  TapedeckErrorCode,
  TapedeckEvent,
  UserActionData,
} from '@tapedeck/core'

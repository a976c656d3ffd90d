export { RecorderProvider, type RecorderProviderProps } from './RecorderProvider'
export { useRecorder } from './useRecorder'
export { useRecorderStatus } from './useRecorderStatus'
export { useSyncStatus } from './useSyncStatus'
export { useSessionRecording, type SessionRecording, type SessionRecordingOptions } from './useSessionRecording'
export { useAudioRecorder, type AudioRecorder, type AudioRecorderOptions } from './useAudioRecorder'
export { useConsent, type Consent } from './useConsent'
export { RecorderWidget, type RecorderWidgetProps } from './RecorderWidget'
export { ReplayViewer, type ReplayViewerProps } from './viewer/ReplayViewer'
export { useReplayPlayer, type ReplayPlayerHandle } from './viewer/useReplayPlayer'
export { WindowedList, type WindowedListProps } from './viewer/WindowedList'
export type { ToolCallInput } from './recordToolCall'
export { INITIAL_STATUS } from '@tapedeck/core'

// Core's types this API uses, so apps need one import.
export { TapedeckError, isTapedeckError } from '@tapedeck/core'
export type {
  AnnotationInput,
  AudioSource,
  AudioTrack,
  AudioTrackState,
  AudioTrackStatus,
  ConsentScopes,
  ConsentState,
  ConsentStatus,
  ErrorDescription,
  ErrorInfo,
  ExportFormat,
  FeedbackSubmittedData,
  Interaction,
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
  TranscriptInput,
  SyncStatus,
  TapedeckErrorCode,
  TapedeckEvent,
  UserActionData,
} from '@tapedeck/core'
export { RecorderErrorBoundary, type RecorderErrorBoundaryProps } from './RecorderErrorBoundary'
export { recorderRootOptions, type RecorderRootOptions } from './recorderRootOptions'
export { useRecordedChatTransport } from './useRecordedChatTransport'
export type { ReactErrorKind } from './recordReactError'

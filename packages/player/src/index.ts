// `@tapedeck/player`: read a Tapedeck recording anywhere (browser or Node), replay it, count it,
// annotate it, answer LLM calls from it, export it. No DOM is needed except by `toWav` (Web Audio)
// and by `ReplayPlayer.play()`'s default scheduler (requestAnimationFrame, else timers).

// — loading —
export {
  loadRecording,
  type LoadOptions,
  type RecorderSessionsLike,
  type RecorderSource,
  type RecordingSource,
  type ServerSource,
} from './load/loadRecording'
export { loadRecordingsFromServer, type ServerQuery } from './load/loadRecordingsFromServer'
export { loadLinkedStreams } from './load/loadLinkedStreams'
export { firstPagePath } from './load/firstPagePath'
export type { BlobPartInfo, Recording, RecordingBlobs, RecordingSourceKind, SeqGap, SeqRange } from './recording/Recording'

// — sealed recordings (encryptForServer) —
export { createSealingKeys, type SealingKeyOptions, type SealingKeys } from './seal/createSealingKeys'
export type { SealingPrivateKey } from './seal/openSealed'

// — playback —
export {
  ReplayPlayer,
  type PlaybackScheduler,
  type PlayerSnapshot,
  type ReplayPlayerOptions,
  type SnapshotAt,
} from './player/ReplayPlayer'
export type {
  ActiveAudio,
  InFlightCall,
  InFlightTool,
  PlaybackState,
  PlayedMessage,
  ResumeSnapshot,
  SnapshotMarker,
  TranscriptLine,
  UsageTotals,
} from './player/PlaybackState'
/** Binary search over times in ascending order (what a viewer seeks with): how many are <= a value. */
export { upperBound } from './util/upperBound'

// — statistics —
export {
  computeStats,
  type CallStats,
  type Distribution,
  type RecordingStats,
  type StatsOptions,
  type ToolStats,
} from './stats/computeStats'
export { computePassRates, type PassRateGroup, type PassRateGrouping, type PassRates } from './stats/computePassRates'
export type { PassRate } from './stats/passRate'
export type { SpeakerStats, SpeechStats } from './stats/computeSpeechStats'

// — evaluations —
export { evaluate, type EvaluateOptions, type Evaluation, type RecordingEvaluation } from './eval/evaluate'
export type { Check, CheckContext, CheckOutcome, CheckResult } from './eval/Check'
export { validationResults, validationValue, VALIDATION_KEY, type ValidationRecord, type ValidationValue } from './eval/validationResults'
export { latencyBudget, type LatencyBudget } from './eval/checks/latencyBudget'
export { costBudget, type CostBudget } from './eval/checks/costBudget'
export { noFailedCalls } from './eval/checks/noFailedCalls'
export { noErrors } from './eval/checks/noErrors'
export { toolCalled, toolNotCalled, type ToolCallExpectation } from './eval/checks/toolCalled'
export { answerMatches, type AnswerExpectation } from './eval/checks/answerMatches'
export { maxTurns } from './eval/checks/maxTurns'
export { transcriptConfidence, type ConfidenceFloor } from './eval/checks/transcriptConfidence'
export { redactionHeld, type RedactionExpectation, type SecretFinder } from './eval/checks/redactionHeld'
export type { JsonSchema } from './eval/jsonSchema'
export { judge, parseVerdict, type JudgeDetails, type JudgeOptions, type JudgeScale } from './eval/judge'
export { vote, type VoteOptions } from './eval/vote'
export { renderConversation } from './eval/renderConversation'
export { assertChecks } from './eval/assertChecks'
export { postResults, type PostResultsOptions, type PostResultsReport } from './eval/postResults'
export { toValidationReview, fromValidationReview, VALIDATION_PREFIX } from './eval/validationReview'
export { toJunit } from './cli/toJunit'

// — annotations —
export { annotate, allAnnotations, removeAnnotation } from './annotations/annotate'
export type { Annotation, AnnotationInput, AnnotationKind } from './annotations/Annotation'

// — deterministic re-run —
export {
  createReplayFetch,
  type ReplayFetch,
  type ReplayFetchOptions,
  type ReplayLogEntry,
  type ReplayMatch,
} from './replay/createReplayFetch'
export { recordedCalls, type RecordedCall } from './replay/recordedCalls'
export { replaySession, type ReplayMode, type ReplayResult, type ReplayRunContext, type ReplaySessionOptions } from './replay/replaySession'
export { diffRuns, type ConversationTurn, type RequestChange, type RunDiff, type ToolCallChange, type TurnChange } from './replay/diffRuns'

// — exports —
export { toJsonl } from './export/toJsonl'
export { toZip, type ZipOptions } from './export/toZip'
export { toCsv, CSV_COLUMNS } from './export/toCsv'
export { toHtml, type HtmlOptions } from './export/toHtml'
export { toTranscript, TRANSCRIPT_TYPES, type TranscriptFormat } from './export/toTranscript'
export { transcriptCues, DEFAULT_CUE_MS, type TranscriptCue, type TranscriptSource } from './export/transcriptCues'
export { csvCell } from './export/csvCell'
export { escapeHtml } from './export/escapeHtml'
export { toWav, encodeWav, type WavOptions } from './export/toWav'

export { playerError, type PlayerErrorCode } from './playerError'

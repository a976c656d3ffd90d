export { createHandler, type Handler, type HandlerOptions, type Logger } from './http/createHandler.js'
export type { CorsOptions } from './http/cors.js'
export { DEFAULT_LIMITS, type Limits } from './http/requestContext.js'
export { serve, type RunningServer, type ServeOptions } from './node/serve.js'
export { toNodeListener, type NodeListener } from './node/toNodeListener.js'
export { createFileStore, type FileStoreOptions } from './store/createFileStore.js'
export { createMemoryStore } from './store/createMemoryStore.js'
export { createPostgresStore, type PostgresStoreOptions } from './store/createPostgresStore.js'
export type {
  BlobPart,
  BlobRef,
  EventBatch,
  PutBatchResult,
  SessionCursor,
  SessionFilter,
  SessionPage,
  SessionStore,
  WireEvent,
} from './store/SessionStore.js'
export { describeSession, type SessionDetail, type SessionStatus } from './summary/describeSession.js'
export { emptySummary, foldEvents, type SessionSummary } from './summary/sessionSummary.js'
export type { SeqRange } from './summary/seqRanges.js'
export { ERROR_STATUS, ServerError, type ServerErrorCode } from './ServerError.js'

// The main entry names nothing of `pg` or `node:http` in its types, so an app on the file store
// typechecks without @types/pg or @types/node. PostgreSQL is `@tapedeck/server/postgres`
// (with `pg` an optional peer dependency), the Node listener `@tapedeck/server/node`.
export { createHandler, type Handler, type HandlerOptions, type Logger, type RateLimits } from './http/createHandler.js'
export type { Access, KeyKind } from './http/authorize.js'
export type { CorsOptions } from './http/cors.js'
export type { RateLimit } from './http/createRateLimiter.js'
export { DEFAULT_LIMITS, type Limits } from './http/requestContext.js'
export { listRoutes, type RouteInfo } from './http/routes.js'
export { scheduleRetention, type RetentionSchedule, type ScheduleRetentionOptions } from './retention/scheduleRetention.js'
export { sweepRetention, type RetentionOptions, type RetentionReport } from './retention/sweepRetention.js'
export { serve, type RunningServer, type ServeOptions } from './node/serve.js'
export { findStudioDir, withStudio, type StudioOptions } from './studio/serveStudio.js'
export { createFileStore, type FileStoreOptions } from './store/createFileStore.js'
export { createMemoryStore } from './store/createMemoryStore.js'
export { eventSlices } from './store/eventSlices.js'
export type {
  BlobPart,
  BlobRef,
  EraseReport,
  EraseResult,
  EventBatch,
  PutBatchResult,
  SessionCursor,
  SessionFilter,
  SessionPage,
  SessionStore,
  WireEvent,
} from './store/SessionStore.js'
export { describeSession } from './summary/describeSession.js'
// The read API's shapes (docs/protocol.md §4) are defined once, in core; the server's names for them.
export type { SeqRange, SessionDetail, SessionDetailStatus as SessionStatus, SessionHold } from '@tapedeck/core'
export { emptySummary, foldEvents, type SessionSummary } from './summary/sessionSummary.js'
export { ERROR_STATUS, ServerError, type ServerErrorCode } from './ServerError.js'

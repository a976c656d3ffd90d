// The reference server's read API under the names these hooks have always used. The shapes are
// defined once, in core (docs/protocol.md §4), where the server takes them from too.
import type { SessionDetail, SessionExportFormat, SessionListPage } from '@tapedeck/core'

/** A session as the reference server describes it (`GET /v1/sessions/{id}`, docs/server.md): core's `SessionDetail`. */
export type ServerSession = SessionDetail

/** `GET /v1/sessions`: newest start first. */
export type ServerSessionPage = SessionListPage

/** What the server's export takes: `jsonl`, `zip` (with blobs), `html` (a report), `csv` (one row per provider call). */
export type ServerExportFormat = SessionExportFormat

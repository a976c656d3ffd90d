/**
 * Every refusal the server makes, with the HTTP status it is answered with. `invalid_options`
 * is thrown at start-up (createHandler, the CLI) for a configuration that would be unsafe or
 * could never work; it is never sent to a client.
 */
export const ERROR_STATUS = {
  invalid_id: 400,
  invalid_path: 400,
  invalid_session_header: 400,
  invalid_seq_header: 400,
  invalid_idempotency_key: 400,
  invalid_parent_header: 400,
  invalid_gzip: 400,
  invalid_query: 400,
  invalid_body: 400,
  unauthorized: 401,
  share_expired: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  not_found: 404,
  session_not_found: 404,
  blob_not_found: 404,
  annotation_not_found: 404,
  share_not_found: 404,
  method_not_allowed: 405,
  body_incomplete: 408,
  body_too_large: 413,
  decompressed_too_large: 413,
  too_many_events: 413,
  unsupported_media_type: 415,
  unsupported_encoding: 415,
  empty_batch: 422,
  line_too_long: 422,
  invalid_json: 422,
  invalid_event: 422,
  session_mismatch: 422,
  parent_mismatch: 422,
  seq_out_of_range: 422,
  seq_out_of_order: 422,
  session_fragmented: 422,
  too_many_annotations: 422,
  too_many_shares: 422,
  session_held: 423,
  rate_limited: 429,
  server_busy: 503,
  internal_error: 500,
  invalid_options: 500,
} as const

export type ServerErrorCode = keyof typeof ERROR_STATUS

/** An error with a stable `code`; the handler answers it as `{ error: { code, message } }`. */
export class ServerError extends Error {
  readonly code: ServerErrorCode
  readonly status: number
  /** Headers the refusal is answered with, e.g. Retry-After. */
  readonly headers: Record<string, string>

  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(message, options)
    this.name = 'ServerError'
    this.code = code
    this.status = ERROR_STATUS[code]
    this.headers = options?.headers ?? {}
  }
}

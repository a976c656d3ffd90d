/**
 * A Tapedeck server refused a read-API request (docs/protocol.md §4, docs/server.md), or did not
 * answer. `status` is the HTTP status, 0 when nothing answered; `code` is stable: the server's
 * own (`unauthorized`, `forbidden`, `invalid_query`, `session_not_found`, …), `http_<status>` when
 * the answer is not the server's JSON (a proxy's page), `network_error` when nothing answered.
 */
export class ReadApiError extends Error {
  override readonly name: string = 'ReadApiError'
  readonly status: number
  readonly code: string
  /** The URL asked for. */
  readonly url: string

  constructor(status: number, code: string, message: string, url = '', options?: { cause?: unknown }) {
    super(message, options)
    this.status = status
    this.code = code
    this.url = url
  }

  /** From an answer that is not a success: the server's `{"error":{"code","message"}}`, or its status. */
  static async from(response: Response, url = response.url): Promise<ReadApiError> {
    let code = `http_${response.status}`
    let message = `The server answered ${response.status} ${response.statusText}`.trim()
    const text = await response.text().catch(() => '')
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown }; code?: unknown; message?: unknown }
      const error = body.error ?? body
      if (typeof error.code === 'string') code = error.code
      if (typeof error.message === 'string') message = error.message
    } catch {
      // Not the server's JSON: keep the status, and the start of what came instead.
      if (text.trim()) message += `: ${text.trim().slice(0, 200)}`
    }
    return new ReadApiError(response.status, code, message, url)
  }
}

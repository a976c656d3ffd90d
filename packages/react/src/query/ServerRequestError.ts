/** A Tapedeck server refused a request: `code` is the server's stable code (`unauthorized`, `invalid_query`, …). */
export class ServerRequestError extends Error {
  override readonly name = 'ServerRequestError'

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }

  /** From a server's `{"error":{"code","message"}}` answer, or whatever else came back. */
  static async from(response: Response): Promise<ServerRequestError> {
    let code = `http_${response.status}`
    let message = `The server answered ${response.status} ${response.statusText}`.trim()
    try {
      const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } }
      if (typeof body.error?.code === 'string') code = body.error.code
      if (typeof body.error?.message === 'string') message = body.error.message
    } catch {
      // Not the server's JSON (a proxy's page): keep the status.
    }
    return new ServerRequestError(response.status, code, message)
  }
}

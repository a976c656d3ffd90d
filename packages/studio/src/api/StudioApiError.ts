/** An answer of the server that is not a success: its status and the stable `code` of its error body. */
export class StudioApiError extends Error {
  override readonly name = 'StudioApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }

  static async from(response: Response): Promise<StudioApiError> {
    let code = `http_${response.status}`
    let message = `The server answered ${response.status}.`
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string }; code?: string; message?: string }
      const error = body.error ?? body
      if (typeof error.code === 'string') code = error.code
      if (typeof error.message === 'string') message = error.message
    } catch {
      // not JSON: keep the status
    }
    return new StudioApiError(response.status, code, message)
  }
}

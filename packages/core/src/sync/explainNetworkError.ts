/**
 * The error to report when an upload got no answer at all. Browsers say only "Failed to fetch"
 * (a `TypeError`) and hide why; when the endpoint is another origin than the page, the usual
 * cause is a backend that does not allow the page's origin (CORS), or a wrong endpoint URL — so
 * the message says that, and how to fix it. Anything else (a timeout, an abort, a same-origin
 * failure) is returned as it is.
 */
export function explainNetworkError(error: unknown, url: string, pageOrigin: string | undefined = globalThis.location?.origin): unknown {
  if (!(error instanceof TypeError) || !pageOrigin || pageOrigin === 'null') return error
  let endpointOrigin: string
  try {
    endpointOrigin = new URL(url, pageOrigin).origin
  } catch {
    return error
  }
  if (endpointOrigin === pageOrigin) return error
  return new TypeError(
    `${error.message}. The endpoint (${endpointOrigin}) is another origin than this page (${pageOrigin}): ` +
      `its CORS settings may not allow this page (tapedeck-server --cors-origin ${pageOrigin}), or the endpoint URL is wrong.`,
    { cause: error },
  )
}

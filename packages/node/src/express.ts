import type { NodeRecorder } from './createNodeRecorder.js'
import { SESSION_HEADER, TRACE_HEADER } from './sessionHeader.js'

/** What the middleware reads of a request: Express's, or Node's `IncomingMessage`. */
export interface HeaderCarrier {
  headers: Record<string, string | string[] | undefined>
  method?: string
  /** Express's path without the query string. */
  path?: string
}

/**
 * Express (or Connect) middleware: the rest of the request runs as part of the browser session
 * its `Tapedeck-Session` header names, so `recorder.fetch` records into it (with the trace of its
 * `traceparent` header on each LLM call, when it has one). A request without
 * the header (or with a value that is not a session id) goes on unrecorded.
 *
 *     app.use(tapedeckExpress(recorder))
 */
export function tapedeckExpress(recorder: NodeRecorder): (request: HeaderCarrier, response: unknown, next: (error?: unknown) => void) => void {
  return (request, _response, next) => recorder.run(request.headers[SESSION_HEADER], () => next(), request.headers[TRACE_HEADER])
}

/**
 * Express error middleware, after your routes: records the error (`error.raised`,
 * `source: 'express'`) into the request's session and passes it on to the next error handler.
 *
 *     app.use(tapedeckExpressErrors(recorder))
 */
export function tapedeckExpressErrors(
  recorder: NodeRecorder,
): (error: unknown, request: HeaderCarrier, response: unknown, next: (error?: unknown) => void) => void {
  return (error, request, _response, next) => {
    recorder.run(request.headers[SESSION_HEADER], () => recorder.captureError(error, { source: 'express', method: request.method, path: request.path }), request.headers[TRACE_HEADER])
    next(error)
  }
}

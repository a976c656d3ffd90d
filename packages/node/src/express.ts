import type { NodeRecorder } from './createNodeRecorder.js'
import { SESSION_HEADER } from './sessionHeader.js'

/** What the middleware reads of a request: Express's, or Node's `IncomingMessage`. */
export interface HeaderCarrier {
  headers: Record<string, string | string[] | undefined>
}

/**
 * Express (or Connect) middleware: the rest of the request runs as part of the browser session
 * its `Tapedeck-Session` header names, so `recorder.fetch` records into it. A request without
 * the header (or with a value that is not a session id) goes on unrecorded.
 *
 *     app.use(tapedeckExpress(recorder))
 */
export function tapedeckExpress(recorder: NodeRecorder): (request: HeaderCarrier, response: unknown, next: (error?: unknown) => void) => void {
  return (request, _response, next) => recorder.run(request.headers[SESSION_HEADER], () => next())
}

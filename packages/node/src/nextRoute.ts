import type { NodeRecorder } from './createNodeRecorder.js'
import { SESSION_HEADER, TRACE_HEADER } from './sessionHeader.js'

/**
 * A Next.js route handler (App Router: `(request: Request, context) => Response`) that runs as
 * part of the browser session its request's `Tapedeck-Session` header names (and the trace of its
 * `traceparent`, on each LLM call):
 *
 *     export const POST = tapedeckRoute(recorder, async (request) => { … })
 *
 * An error the handler throws is recorded (`error.raised`, `source: 'route'`) and thrown on, so
 * Next.js answers as it would have. Any handler that takes a Fetch API `Request` first works the
 * same (Hono, Remix, a plain server).
 */
export function tapedeckRoute<Args extends unknown[], Result>(
  recorder: NodeRecorder,
  handler: (request: Request, ...rest: Args) => Result,
): (request: Request, ...rest: Args) => Result {
  return (request, ...rest) => {
    const run = () => {
      const fail = (error: unknown): never => {
        recorder.captureError(error, { source: 'route', method: request.method, path: new URL(request.url).pathname })
        throw error
      }
      try {
        const result = handler(request, ...rest)
        return (result instanceof Promise ? result.catch(fail) : result) as Result
      } catch (error) {
        return fail(error)
      }
    }
    return recorder.run(request.headers.get(SESSION_HEADER), run, request.headers.get(TRACE_HEADER))
  }
}

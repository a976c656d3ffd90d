import type { NodeRecorder } from './createNodeRecorder.js'
import { SESSION_HEADER } from './sessionHeader.js'

/**
 * A Next.js route handler (App Router: `(request: Request, context) => Response`) that runs as
 * part of the browser session its request's `Tapedeck-Session` header names:
 *
 *     export const POST = tapedeckRoute(recorder, async (request) => { … })
 *
 * Any handler that takes a Fetch API `Request` first works the same (Hono, Remix, a plain server).
 */
export function tapedeckRoute<Args extends unknown[], Result>(
  recorder: NodeRecorder,
  handler: (request: Request, ...rest: Args) => Result,
): (request: Request, ...rest: Args) => Result {
  return (request, ...rest) => recorder.run(request.headers.get(SESSION_HEADER), () => handler(request, ...rest))
}

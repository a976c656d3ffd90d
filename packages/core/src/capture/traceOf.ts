/** The W3C trace context a request carries (its `traceparent` header), as recorded on its call events. */
export interface TraceContext {
  traceId: string
  /** The span id the request names as its parent: the server's spans hang below it. */
  spanId: string
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/

/** The first valid `traceparent` among these header sets (`propagate` adds one; an app may set its own). */
export function traceOf(...headerSets: Array<HeadersInit | undefined>): TraceContext | undefined {
  for (const init of headerSets) {
    if (!init) continue
    try {
      const match = TRACEPARENT.exec(new Headers(init).get('traceparent')?.trim().toLowerCase() ?? '')
      if (match) return { traceId: match[1]!, spanId: match[2]! }
    } catch {
      // headers we cannot read carry no trace
    }
  }
  return undefined
}

import type { RecorderLike } from '../instrument/safeRecorder'
import { traceIdOf } from '../sync/otlp/ids'
import type { PropagateOptions } from './captureOptions'

export type { PropagateOptions }

/**
 * Adds a W3C `traceparent` (the session's trace id — the one the OTLP export uses — and a new
 * span id per request) and a `Tapedeck-Session` header to the page's own `fetch` requests to the
 * allowed origins while a sampled session is recorded (docs/capture.md, "Correlation"). A request
 * that already carries a `traceparent` keeps its own. Returns the stop.
 */
export function propagateTrace(recorder: RecorderLike, options: PropagateOptions, skip?: string): () => void {
  const win = options.window ?? (globalThis as unknown as Window)
  const original = win.fetch
  const origins = options.origins ?? []
  const withSession = options.session !== false
  let traceFor = ''
  let traceId = ''
  const allowed = (url: URL) => (!skip || !url.href.startsWith(skip)) && origins.some((origin) => (typeof origin === 'string' ? origin === url.origin : origin.test(url.href)))
  const patched = function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let headers: Headers | undefined
    try {
      const status = recorder.getSnapshot?.()
      const sessionId = status?.state === 'recording' && status.sampled !== false ? status.session?.id : undefined
      const request = typeof input === 'object' && 'url' in input ? input : undefined
      if (sessionId && allowed(new URL(request ? request.url : String(input), win.location.href))) {
        headers = new Headers(init?.headers ?? request?.headers)
        if (!headers.has('traceparent')) {
          if (traceFor !== sessionId) traceId = traceIdOf((traceFor = sessionId))
          headers.set('traceparent', `00-${traceId}-${spanId()}-01`)
        }
        if (withSession && !headers.has('tapedeck-session')) headers.set('Tapedeck-Session', sessionId)
      }
    } catch {
      headers = undefined // the request goes out as the app made it
    }
    return original.call(this ?? win, input, headers ? { ...init, headers } : init)
  } as typeof fetch
  win.fetch = patched
  return () => {
    if (win.fetch === patched) win.fetch = original
  }
}

/** 16 hex characters, random, never all zero. */
function spanId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  bytes[7] ||= 1
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

import type { NetworkFailedData } from '../events/catalogue'
import { createSafeRecorder, type RecorderLike } from '../instrument/safeRecorder'
import type { NetworkCaptureOptions } from './captureOptions'
import { rateLimit } from './rateLimit'

export type { NetworkCaptureOptions }
import { requestUrl } from './requestUrl'

const XHR_FACTS = new WeakMap<XMLHttpRequest, { method: string; url: string; at: number }>()

/**
 * Records failed requests of the page — `fetch` and `XMLHttpRequest`, answered with status ≥ 400
 * or not at all — as `network.failed` (docs/capture.md). The app's request, response and errors are
 * untouched; an aborted request is the app's choice and is not recorded. Returns the stop.
 */
export function captureNetwork(recorder: RecorderLike, options: NetworkCaptureOptions = {}): () => void {
  const win = options.window ?? (globalThis as unknown as Window)
  const safe = createSafeRecorder(recorder)
  const limit = rateLimit(options.perMinute ?? 30)
  const ignore = (options.ignore ?? []).filter(Boolean)
  const now = () => performance.now()
  let active = true

  const report = (via: NetworkFailedData['via'], method: string, url: string, startedAt: number, outcome: { status?: number; statusText?: string; error?: string }) => {
    try {
      if (!active || !safe.active() || ignore.some((prefix) => url.startsWith(prefix))) return
      const suppressed = limit.take()
      if (suppressed === false) return
      const data: NetworkFailedData = { via, method: method.toUpperCase(), url: requestUrl(url, options.query), durationMs: Math.round(now() - startedAt) }
      if (outcome.status !== undefined) data.status = outcome.status
      if (outcome.statusText) data.statusText = outcome.statusText.slice(0, 200)
      if (outcome.error) data.error = outcome.error.slice(0, 500)
      if (suppressed > 0) data.suppressed = suppressed
      safe.record('network.failed', data)
    } catch (error) {
      safe.fail(error)
    }
  }

  const undo: Array<() => void> = []
  const originalFetch = win.fetch
  if (typeof originalFetch === 'function') {
    const patched = function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
      const startedAt = now()
      let method = 'GET'
      let url = ''
      try {
        const request = typeof input === 'object' && 'url' in input ? input : undefined
        url = request ? request.url : String(input)
        method = init?.method ?? request?.method ?? 'GET'
      } catch {
        // an input we cannot read: the request still goes out as the app made it
      }
      const answer = originalFetch.call(this ?? win, input, init)
      answer.then(
        (response) => {
          if (response.status >= 400) report('fetch', method, url, startedAt, { status: response.status, statusText: response.statusText })
        },
        (error: unknown) => {
          if ((error as { name?: unknown } | null)?.name !== 'AbortError') report('fetch', method, url, startedAt, { error: describe(error) })
        },
      )
      return answer
    } as typeof fetch
    win.fetch = patched
    undo.push(() => {
      if (win.fetch === patched) win.fetch = originalFetch
    })
  }

  const Xhr = (win as Window & { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest
  if (Xhr) {
    const proto = Xhr.prototype
    const { open, send } = proto
    const patchedOpen = (proto.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
      try {
        XHR_FACTS.set(this, { method: String(method), url: String(url), at: 0 })
      } catch {
        // recording is best effort
      }
      return (open as (...args: unknown[]) => void).call(this, method, url, ...rest)
    } as typeof open)
    const patchedSend = (proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      const facts = XHR_FACTS.get(this)
      if (facts && active) {
        facts.at = now()
        let failure: string | undefined
        const onError = (event: Event) => {
          failure = event.type === 'timeout' ? 'timeout' : 'network error'
        }
        const onAbort = () => {
          failure = 'abort'
        }
        this.addEventListener('error', onError)
        this.addEventListener('timeout', onError)
        this.addEventListener('abort', onAbort)
        this.addEventListener(
          'loadend',
          () => {
            if (failure === 'abort') return
            if (failure) report('xhr', facts.method, facts.url, facts.at, { error: failure })
            else if (this.status >= 400) report('xhr', facts.method, facts.url, facts.at, { status: this.status, statusText: this.statusText })
          },
          { once: true },
        )
      }
      return send.call(this, body as XMLHttpRequestBodyInit | null | undefined)
    })
    undo.push(() => {
      // Someone wrapped ours since: leave theirs (ours does nothing once stopped).
      if (proto.open === patchedOpen) proto.open = open
      if (proto.send === patchedSend) proto.send = send
    })
  }

  return () => {
    active = false
    for (const fn of undo.splice(0)) fn()
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}

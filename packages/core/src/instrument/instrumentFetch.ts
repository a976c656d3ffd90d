/**
 * Records calls to LLM HTTP APIs made with `fetch`, with no change to the app:
 * `provider.call.started` when the request leaves, then `provider.call.completed` (or
 * `provider.call.failed`) once the answer is read — model, parameters, prompt, response text and
 * tool calls, normalised usage, cost, time to headers, time to first token, latency, finish
 * reason.
 *
 * The app's response is not delayed and not altered: the body is teed, the app reads one branch
 * through a `Response` with the same status and headers, and the other branch is parsed in the
 * background. The request is never changed (no `stream_options` added). Recording errors are
 * swallowed and counted; the app's fetch behaves exactly as before.
 */
import type { ErrorDescription, JsonObject, ProviderCallCompletedData, ProviderCallStartedData } from '../events/catalogue'
import { randomId } from '../util/ulid'
import { credentialsOf, recordableUrl, scrubCredentials } from './credentials'
import { detectLlmApi, providerForUrl, type CallOutcome, type LlmApi, type LlmApiAdapter, type RequestDescription } from './llmApi'
import { normalizeUsage } from './normalizeUsage'
import { LLM_ADAPTERS } from './describeLlmRequest'
import { computeCost, mergePrices, type PriceTable } from './prices'
import { createSafeRecorder, type CaptureMode, type InstrumentStats, type RecorderLike, type SafeRecorder } from './safeRecorder'
import { createSseParser } from './sseParser'
import { describeCaughtError } from './describeCaughtError'

export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

/**
 * Which calls to record, on top of the path-shape detection (`…/chat/completions`,
 * `…/v1/responses`, `…/v1/messages`): a predicate on the URL, a list of URL prefixes to include,
 * or prefixes to include and to exclude.
 */
export type FetchMatch = ((url: string) => boolean) | string[] | { include?: string[]; exclude?: string[] }

export interface InstrumentFetchOptions {
  match?: FetchMatch
  /** `metadata` keeps tokens, cost, timings, model, finish reason, tool names; drops prompts, response text and tool arguments. Default `full`. */
  capture?: CaptureMode
  /** Prices merged over `DEFAULT_PRICES` (USD per million tokens, by model id). */
  prices?: PriceTable
  /** The fetch to call underneath. Default: `globalThis.fetch` at the time of the call to `instrumentFetch` / `createInstrumentedFetch`. */
  fetch?: FetchFunction
  /** The `provider` name to record; default from the host (`openai`, `anthropic`, `openrouter`, … or `openai-compatible`). */
  provider?: string | ((url: URL) => string | undefined)
  /** Called with every error the instrumentation swallowed. */
  onError?: (error: unknown) => void
  /** Clock for timings, ms. Default `performance.now()`. */
  now?: () => number
}

export interface InstrumentedFetch extends FetchFunction {
  readonly stats: InstrumentStats
  /** Resolves when every call seen so far is recorded (its response fully read or given up). */
  settled(): Promise<void>
  /** Stops recording; the function keeps working as a plain pass-through (SDK clients may hold it). */
  disable(): void
}

/** `instrumentFetch` returns its uninstaller, which also carries the stats. */
export interface FetchInstrumentation {
  (): void
  readonly stats: InstrumentStats
  settled(): Promise<void>
}

const ORIGINAL = Symbol.for('tapedeck.instrumentedFetch.original')

/**
 * Replaces `globalThis.fetch` with a recording one; returns `uninstall()`, which puts the
 * original back (if nobody replaced it since) and turns the wrapper into a pass-through for
 * clients that captured it. SDK clients capture `fetch` when they are constructed: instrument
 * first, or give them `createInstrumentedFetch(…)`.
 */
export function instrumentFetch(recorder: RecorderLike, options: InstrumentFetchOptions = {}): FetchInstrumentation {
  const original = globalThis.fetch
  const wrapped = createInstrumentedFetch(recorder, { ...options, fetch: options.fetch ?? original })
  globalThis.fetch = wrapped as typeof fetch
  const uninstall = () => {
    wrapped.disable()
    if (globalThis.fetch === (wrapped as typeof fetch)) globalThis.fetch = original
  }
  return Object.assign(uninstall, { stats: wrapped.stats, settled: wrapped.settled })
}

/** A recording fetch for SDKs that take one (`new OpenAI({ fetch })`), leaving globals alone. */
export function createInstrumentedFetch(recorder: RecorderLike, options: InstrumentFetchOptions = {}): InstrumentedFetch {
  let base: FetchFunction = options.fetch ?? globalThis.fetch
  // Wrapping one of ours would record each call twice: go under it.
  base = (base as { [ORIGINAL]?: FetchFunction })[ORIGINAL] ?? base
  const safe = createSafeRecorder(recorder, options.onError)
  const context: CallContext = {
    safe,
    capture: options.capture ?? 'full',
    prices: mergePrices(options.prices),
    now: options.now ?? (() => performance.now()),
    provider: options.provider,
  }
  const matches = compileMatch(options.match)
  const inflight = new Set<Promise<void>>()
  let enabled = true

  const instrumented = async function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (!enabled) return base(input, init)
    let call: Call | undefined
    try {
      call = await prepare(input, init, matches, context)
    } catch (error) {
      safe.fail(error)
    }
    if (!call) return base(input, init)
    return call.run(base, input, init, (work) => {
      const tracked = work.catch((error: unknown) => safe.fail(error)).finally(() => inflight.delete(tracked))
      inflight.add(tracked)
    })
  }
  return Object.assign(instrumented, {
    stats: safe.stats,
    [ORIGINAL]: base,
    async settled() {
      while (inflight.size > 0) await Promise.all([...inflight])
    },
    disable() {
      enabled = false
    },
  })
}

// — one call —

interface CallContext {
  safe: SafeRecorder
  capture: CaptureMode
  prices: Readonly<PriceTable>
  now: () => number
  provider: InstrumentFetchOptions['provider']
}

interface Call {
  run(base: FetchFunction, input: RequestInfo | URL, init: RequestInit | undefined, track: (work: Promise<void>) => void): Promise<Response>
}

function compileMatch(match: FetchMatch | undefined): (url: string) => boolean {
  if (match === undefined) return () => true
  if (typeof match === 'function') return match
  const include = Array.isArray(match) ? match : match.include
  const exclude = Array.isArray(match) ? [] : (match.exclude ?? [])
  return (url) => (!include || include.some((prefix) => url.startsWith(prefix))) && !exclude.some((prefix) => url.startsWith(prefix))
}

function toUrl(input: RequestInfo | URL): URL {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  return new URL(href, typeof location === 'undefined' ? undefined : location.href)
}

async function bodyText(input: RequestInfo | URL, init: RequestInit | undefined): Promise<string | undefined> {
  const body = init?.body
  if (typeof body === 'string') return body
  if (body === undefined || body === null) {
    if (typeof Request !== 'undefined' && input instanceof Request && input.body) return input.clone().text()
    return undefined
  }
  if (typeof Blob !== 'undefined' && body instanceof Blob) return body.text()
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return new TextDecoder().decode(body)
  return undefined // a stream, FormData or URLSearchParams: not a JSON LLM request
}

async function prepare(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  matches: (url: string) => boolean,
  context: CallContext,
): Promise<Call | undefined> {
  const request = typeof Request !== 'undefined' && input instanceof Request ? input : undefined
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase()
  if (method !== 'POST') return undefined
  const url = toUrl(input)
  const api = detectLlmApi(url)
  if (!api || !matches(url.href)) return undefined
  if (!context.safe.active()) {
    context.safe.stats.skipped++
    return undefined
  }
  const text = await bodyText(input, init)
  if (text === undefined) return undefined
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
  const adapter = LLM_ADAPTERS[api]
  const described = adapter.describe(body as Record<string, unknown>, url)
  const secrets = credentialsOf(url, init?.headers, request?.headers)
  const named = typeof context.provider === 'function' ? context.provider(url) : context.provider
  const provider = named ?? providerForUrl(url, adapter.family)
  return createCall(context, adapter, url, provider, described, secrets)
}

const round = (ms: number) => Math.round(ms * 10) / 10

function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError'
}

// The class names both SDKs give these statuses, so a recording reads like the app's own error.
function httpErrorName(status: number): string {
  if (status === 400) return 'BadRequestError'
  if (status === 401) return 'AuthenticationError'
  if (status === 403) return 'PermissionDeniedError'
  if (status === 404) return 'NotFoundError'
  if (status === 409) return 'ConflictError'
  if (status === 422) return 'UnprocessableEntityError'
  if (status === 429) return 'RateLimitError'
  if (status >= 500) return 'InternalServerError'
  return 'APIError'
}

function httpError(status: number, statusText: string, text: string): ErrorDescription {
  const error: ErrorDescription = { name: httpErrorName(status), message: statusText || `HTTP ${status}`, status }
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown }
    const inner = typeof body.error === 'object' && body.error !== null ? (body.error as Record<string, unknown>) : undefined
    const message = inner?.message ?? body.message ?? (typeof body.error === 'string' ? body.error : undefined)
    if (typeof message === 'string') error.message = message
    if (typeof inner?.type === 'string') error.type = inner.type
    if (typeof inner?.code === 'string' || typeof inner?.code === 'number') error.code = inner.code
  } catch {
    if (text.trim()) error.message = text.trim().slice(0, 500)
  }
  return error
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[truncated ${text.length - max} chars]`
}

function createCall(
  context: CallContext,
  adapter: LlmApiAdapter,
  url: URL,
  provider: string,
  request: RequestDescription,
  secrets: string[],
): Call {
  const { safe, capture, now } = context
  const full = capture === 'full'
  const callId = randomId('c_', 12)
  const requestModel = request.model ?? 'unknown'
  const base = { callId, provider, api: adapter.api }
  const clean = <T>(data: T): T => {
    try {
      return scrubCredentials(data, secrets)
    } catch (error) {
      safe.fail(error)
      return data
    }
  }

  const started: ProviderCallStartedData = {
    ...base,
    model: requestModel,
    url: recordableUrl(url),
    stream: request.stream,
    params: request.params,
    messageCount: request.messages.length,
  }
  if (full) started.messages = request.messages

  const outcomeData = (outcome: CallOutcome): ProviderCallCompletedData => {
    const model = outcome.model || requestModel
    const data: ProviderCallCompletedData = { ...base, model }
    if (outcome.model && request.model && outcome.model !== request.model) data.requestModel = request.model
    if (outcome.id) data.responseId = outcome.id
    const calls = outcome.toolCalls
    if (full) {
      const response: JsonObject = { text: outcome.text }
      if (calls.length > 0) response.toolCalls = calls
      if (outcome.reasoning) response.reasoning = outcome.reasoning
      if (outcome.refusal) response.refusal = outcome.refusal
      data.response = response
    } else if (calls.length > 0) {
      data.response = { toolCalls: calls.map(({ id, name }) => ({ id, name })) }
    }
    if (outcome.rawUsage) data.rawUsage = outcome.rawUsage
    const usage = outcome.usageFinal ? normalizeUsage(adapter.usageFormat, outcome.rawUsage) : undefined
    if (usage) {
      data.usage = usage.usage
      const options = { table: context.prices, providerCostUsd: usage.providerCostUsd }
      const cost = computeCost(model, usage.billable, options) ?? computeCost(request.model, usage.billable, options)
      if (cost) Object.assign(data, cost)
    }
    return data
  }

  const shrinkStarted = (data: ProviderCallStartedData): ProviderCallStartedData => ({
    ...data,
    truncated: true,
    messages: (data.messages as RequestDescription['messages'] | undefined)?.slice(-50).map((message) => ({
      ...message,
      content: message.content === undefined ? undefined : truncate(message.content, 2000),
      toolCalls: message.toolCalls?.map((call) => ({ ...call, arguments: truncate(JSON.stringify(call.arguments) ?? '', 1000) })),
    })),
  })
  const shrinkCompleted = (data: ProviderCallCompletedData): ProviderCallCompletedData => {
    const response = data.response as { text?: string; reasoning?: string; toolCalls?: unknown[] } | undefined
    if (!response) return data
    return {
      ...data,
      truncated: true,
      response: {
        ...response,
        text: response.text === undefined ? undefined : truncate(response.text, 65_536),
        reasoning: response.reasoning === undefined ? undefined : truncate(response.reasoning, 16_384),
        toolCalls: response.toolCalls?.map((call) => {
          const c = call as { arguments?: unknown }
          return { ...c, arguments: truncate(JSON.stringify(c.arguments) ?? '', 4096) }
        }),
      },
    }
  }

  return {
    async run(fetchImpl, input, init, track) {
      let t0 = 0
      try {
        safe.record('provider.call.started', clean(started), shrinkStarted)
        t0 = now()
      } catch (error) {
        safe.fail(error) // an injected clock that throws: the request still goes out
      }
      let response: Response
      try {
        response = await fetchImpl(input, init)
      } catch (error) {
        try {
          const latencyMs = round(now() - t0)
          if (isAbort(error)) {
            // Cancelled before any answer: a call that ended early, not a provider failure.
            safe.record('provider.call.completed', clean({ ...base, model: requestModel, latencyMs, finishReason: 'aborted', abortReason: 'abort', stream: request.stream }))
          } else {
            safe.record('provider.call.failed', clean({ ...base, model: requestModel, error: describeCaughtError(error), latencyMs }))
          }
        } catch (failure) {
          safe.fail(failure)
        }
        throw error // the app's own error, as fetch gave it
      }
      try {
        return observe(response, t0, now(), track)
      } catch (error) {
        safe.fail(error)
        return response
      }
    },
  }

  function observe(response: Response, t0: number, headersAt: number, track: (work: Promise<void>) => void): Response {
    const headersMs = round(headersAt - t0)
    const requestId = response.headers.get('x-request-id') ?? response.headers.get('request-id') ?? undefined
    if (!response.ok) {
      // An error answer is small and the SDK reads it whole: read a clone, hand back the original.
      const copy = response.clone()
      track(
        copy.text().then(
          (text) => {
            const error = httpError(response.status, response.statusText, text)
            const retryAfter = response.headers.get('retry-after')
            safe.record('provider.call.failed', clean({ ...base, model: requestModel, error, latencyMs: round(now() - t0), headersMs, requestId, retryAfter: retryAfter ?? undefined }))
          },
          (reason: unknown) => {
            const error = { ...httpError(response.status, response.statusText, ''), cause: describeCaughtError(reason).message }
            safe.record('provider.call.failed', clean({ ...base, model: requestModel, error, latencyMs: round(now() - t0), headersMs, requestId }))
          },
        ),
      )
      return response
    }
    const body = response.body
    if (!body) {
      safe.record('provider.call.completed', clean({ ...base, model: requestModel, latencyMs: headersMs, headersMs, status: response.status }))
      return response
    }

    const [appBranch, ourBranch] = body.tee()
    const ours = ourBranch.getReader()
    const theirs = appBranch.getReader()
    let cancelledByApp = false
    // The app's branch, pulled one chunk at a time (no extra buffering). Its cancel() also
    // cancels our branch, so the source is released as the app asked and we record the cut.
    const appStream = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { done, value } = await theirs.read()
          if (done) controller.close()
          else controller.enqueue(value)
        },
        cancel(reason) {
          cancelledByApp = true
          ours.cancel(reason).catch(() => undefined)
          return theirs.cancel(reason)
        },
      },
      { highWaterMark: 0 },
    )
    const forApp = new Response(appStream, { status: response.status, statusText: response.statusText, headers: response.headers })
    for (const key of ['url', 'redirected', 'type'] as const) {
      Object.defineProperty(forApp, key, { value: response[key], enumerable: true })
    }

    const contentType = response.headers.get('content-type') ?? ''
    const streaming = contentType.includes('text/event-stream') || (contentType === '' && request.stream)
    track(read(ours, streaming, t0, headersMs, requestId, response.status, () => cancelledByApp))
    return forApp
  }

  async function read(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    streaming: boolean,
    t0: number,
    headersMs: number,
    requestId: string | undefined,
    status: number,
    cancelledByApp: () => boolean,
  ): Promise<void> {
    const parser = adapter.reader()
    let firstOutputAt: number | undefined
    let jsonText = ''
    const sse = streaming
      ? createSseParser((event) => {
          if (event.data === '[DONE]') return parser.done()
          let data: unknown
          try {
            data = JSON.parse(event.data)
          } catch {
            return // a line cut off by an interrupted stream
          }
          try {
            if (parser.event(event.event, data) && firstOutputAt === undefined) firstOutputAt = now()
          } catch (error) {
            safe.fail(error)
          }
        })
      : undefined
    const decoder = new TextDecoder()
    let failure: unknown
    let failed = false
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        const text = decoder.decode(value, { stream: true })
        if (sse) sse.push(text)
        else jsonText += text
      }
      const tail = decoder.decode()
      if (sse) sse.push(tail)
      else jsonText += tail
    } catch (error) {
      failed = true
      failure = error
    }
    const endedAt = now()
    const cancelled = cancelledByApp()
    if (sse) sse.end()
    else if (!failed && !cancelled) {
      try {
        parser.json(JSON.parse(jsonText))
      } catch {
        // not JSON after all: recorded as an incomplete answer below
      }
    }
    const outcome = parser.outcome()
    const latencyMs = round(endedAt - t0)
    const timing = { latencyMs, headersMs, ...(firstOutputAt !== undefined ? { ttftMs: round(firstOutputAt - t0) } : {}) }

    if (outcome.error) {
      const data = outcomeData(outcome)
      safe.record('provider.call.failed', clean({ ...data, ...timing, error: outcome.error, status, requestId, stream: streaming }))
      return
    }
    const data: ProviderCallCompletedData = { ...outcomeData(outcome), ...timing, stream: streaming, status }
    if (requestId) data.requestId = requestId
    if (failed || cancelled) {
      data.finishReason = 'aborted'
      data.abortReason = cancelled ? 'cancel' : isAbort(failure) ? 'abort' : 'network'
      if (failed && !isAbort(failure)) data.error = describeCaughtError(failure)
    } else if (!outcome.terminal && outcome.finishReason === undefined) {
      data.finishReason = 'aborted'
      data.abortReason = 'incomplete' // the server closed before the API's end marker
    } else if (outcome.finishReason !== undefined) {
      data.finishReason = outcome.finishReason
    }
    safe.record('provider.call.completed', clean(data), shrinkCompleted)
  }
}

/**
 * One recorded LLM call made through an instrumented `fetch`: `provider.call.started` as the
 * request leaves, then the answer read from a tee of the body (streamed or not) and recorded as
 * `provider.call.completed` or `provider.call.failed`. The app's own response is never delayed.
 */
import type { ErrorDescription, JsonObject, ProviderCallCompletedData, ProviderCallStartedData } from '../events/catalogue'
import { randomId } from '../util/ulid'
import { isAbort } from '../util/isAbort'
import { recordableUrl, scrubCredentials } from './credentials'
import type { TraceContext } from '../capture/traceOf'
import type { CallOutcome, LlmApiAdapter, RequestDescription } from './llmApi'
import { normalizeUsage } from './normalizeUsage'
import { computeCost, type PriceTable } from './prices'
import type { CaptureMode, SafeRecorder } from './safeRecorder'
import { createSseParser } from './sseParser'
import { describeCaughtError } from './describeCaughtError'

/** What the app calls: `fetch`, or a function of the same shape. */
export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

export interface CallContext {
  safe: SafeRecorder
  capture: CaptureMode
  prices: Readonly<PriceTable>
  now: () => number
}

export interface Call {
  run(base: FetchFunction, input: RequestInfo | URL, init: RequestInit | undefined, track: (work: Promise<void>) => void): Promise<Response>
}

const round = (ms: number) => Math.round(ms * 10) / 10

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

export function createCall(
  context: CallContext,
  adapter: LlmApiAdapter,
  url: URL,
  provider: string,
  request: RequestDescription,
  secrets: string[],
  trace: TraceContext | undefined,
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
  // The trace the request carries (`propagate`): the backend's spans of this call share its trace id.
  if (trace) Object.assign(started, trace)

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

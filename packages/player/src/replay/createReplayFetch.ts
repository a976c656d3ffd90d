import type { TapedeckEvent } from '@tapedeck/core'
import type { Recording } from '../recording/Recording'
import { describeRequest, promptKey, type ReplayApi, type RequestSummary } from './describeRequest'
import { recordedCalls, type RecordedCall } from './recordedCalls'
import { encodeFrame, errorJson, successFrames, successJson, type SseFrame } from './wireResponse'

type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

/**
 * How a request found its recorded call: `exact` (same model and same prompt), `model` (same
 * model, the prompt differs or was not captured), `order` (the next call in recorded order),
 * `none` (no recorded call left: answered 404).
 */
export type ReplayMatch = 'exact' | 'model' | 'order' | 'none'

export interface ReplayLogEntry {
  url: string
  api: ReplayApi
  model?: string
  stream: boolean
  match: ReplayMatch
  /** The recorded call that answered, `null` for `none`. */
  callId: string | null
  /** The status answered (0: a recorded network failure, thrown as a TypeError). */
  status: number
}

export interface ReplayFetchOptions {
  /** `instant` (default) answers at once; `recorded` waits the recorded time to headers, to first token and to the end. */
  timing?: 'instant' | 'recorded'
  /** Called for requests that are not LLM calls the replay knows (other paths, GET…). Default: answer 404. */
  fallback?: FetchFunction
  /** The wait used by `recorded` timing (injectable for tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** A `fetch` that answers from a recording. */
export interface ReplayFetch extends FetchFunction {
  /** Every LLM request answered so far, in order. */
  readonly log: readonly ReplayLogEntry[]
  /** Recorded calls not replayed yet. */
  remaining(): number
  /** Makes every recorded call available again and clears the log. */
  reset(): void
}

function abortError(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError')
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, Math.max(0, ms))
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortError(signal))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

async function requestParts(input: RequestInfo | URL, init: RequestInit | undefined): Promise<{ url: URL; method: string; body: string | undefined; signal?: AbortSignal }> {
  const request = typeof Request !== 'undefined' && input instanceof Request ? input : undefined
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : (input as Request).url
  const url = new URL(href, typeof location === 'undefined' ? 'http://localhost/' : location.href)
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase()
  const signal = init?.signal ?? request?.signal ?? undefined
  const raw = init?.body
  let body: string | undefined
  if (typeof raw === 'string') body = raw
  else if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) body = new TextDecoder().decode(raw as ArrayBuffer)
  else if (typeof Blob !== 'undefined' && raw instanceof Blob) body = await raw.text()
  else if ((raw === undefined || raw === null) && request?.body) body = await request.clone().text()
  return { url, method, body, signal }
}

function requestedModelOf(call: RecordedCall): string | undefined {
  const data = call.started?.data as Record<string, unknown> | undefined
  return typeof data?.model === 'string' ? data.model : call.model
}

function familyOf(api: string | undefined): string | undefined {
  return api?.split('.')[0]
}

function recordedPrompt(call: RecordedCall): string | undefined {
  const data = call.started?.data as Record<string, unknown> | undefined
  // A prompt shortened to fit the event cap cannot be compared.
  if (!call.messages || data?.truncated === true) return undefined
  return promptKey(call.messages)
}

/**
 * A `fetch` that answers LLM calls with the recorded responses, so a chat UI or an agent runs
 * against a recording instead of a provider: give it to an SDK (`new OpenAI({ fetch })`) or
 * install it as `globalThis.fetch` in a test.
 *
 * Each request is matched to a recorded call not used yet: first one with the same model and
 * the same prompt, else the same model, else the next in recorded order (`log` says which). The
 * answer is in the request's wire format — OpenAI Chat Completions or Anthropic Messages, JSON
 * or, for `stream: true`, SSE — with the recorded text, tool calls, finish reason and usage.
 * A recorded failure is answered with its status and error body (a network failure is thrown).
 */
export function createReplayFetch(recording: Recording | readonly TapedeckEvent[], options: ReplayFetchOptions = {}): ReplayFetch {
  const calls = recordedCalls(recording).filter((call) => call.status !== 'unfinished')
  const used = new Set<RecordedCall>()
  const log: ReplayLogEntry[] = []
  const timing = options.timing ?? 'instant'
  const sleep = options.sleep ?? defaultSleep
  const wait = (ms: number | undefined, signal: AbortSignal | undefined) =>
    timing === 'recorded' && ms !== undefined && ms > 0 ? sleep(ms, signal) : signal?.aborted ? Promise.reject(abortError(signal)) : Promise.resolve()

  const pick = (summary: RequestSummary): { call: RecordedCall; match: ReplayMatch } | undefined => {
    const free = calls.filter((call) => !used.has(call))
    const fits = (call: RecordedCall) => {
      const family = familyOf(call.api)
      return (family === undefined || family === familyOf(summary.api)) && summary.model !== undefined && (requestedModelOf(call) === summary.model || call.model === summary.model)
    }
    const key = promptKey(summary.messages)
    const exact = free.find((call) => fits(call) && recordedPrompt(call) === key)
    if (exact) return { call: exact, match: 'exact' }
    const byModel = free.find(fits)
    if (byModel) return { call: byModel, match: 'model' }
    return free[0] && { call: free[0], match: 'order' }
  }

  const replay = async function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const { url, method, body, signal } = await requestParts(input, init)
    let parsed: unknown
    try {
      parsed = body === undefined ? undefined : JSON.parse(body)
    } catch {
      parsed = undefined
    }
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    const summary = method === 'POST' && isObject ? describeRequest(url, parsed as Record<string, unknown>) : undefined
    if (!summary) {
      if (options.fallback) return options.fallback(input, init)
      return Response.json({ error: { message: `Tapedeck replay: ${method} ${url.pathname} is not an LLM call it can answer.`, type: 'tapedeck_replay_unknown_request' } }, { status: 404 })
    }
    if (signal?.aborted) throw abortError(signal)
    const { api } = summary
    const found = pick(summary)
    const entry: ReplayLogEntry = { url: url.href, api, model: summary.model, stream: summary.stream, match: found?.match ?? 'none', callId: found?.call.callId ?? null, status: 404 }
    log.push(entry)
    if (!found) {
      return Response.json(
        errorJson(api, { message: `Tapedeck replay: every recorded call (${calls.length}) has been answered; this request has none left.`, type: 'tapedeck_replay_exhausted' }),
        { status: 404 },
      )
    }
    const { call } = found
    used.add(call)
    const ended = call.ended?.data as Record<string, unknown> | undefined
    const headers = new Headers({ 'x-tapedeck-replay': call.callId })
    if (typeof ended?.requestId === 'string') headers.set('x-request-id', ended.requestId)
    const headersMs = typeof ended?.headersMs === 'number' ? ended.headersMs : undefined

    if (call.status === 'failed') {
      const error = call.error ?? { message: 'Recorded failure' }
      const status = typeof error.status === 'number' ? error.status : undefined
      if (status === undefined && ended?.status !== 200) {
        entry.status = 0
        await wait(call.latencyMs, signal)
        throw new TypeError(`fetch failed (replayed ${error.name ?? 'error'}: ${error.message})`)
      }
      if (status !== undefined) {
        await wait(call.latencyMs, signal)
        entry.status = status
        // Instant replays should not sit out the SDK's retry backoff; recorded ones keep the server's word.
        if (timing === 'instant') headers.set('retry-after-ms', '1')
        else if (typeof ended?.retryAfter === 'string') headers.set('retry-after', ended.retryAfter)
        headers.set('content-type', 'application/json')
        return new Response(JSON.stringify(errorJson(api, error)), { status, headers })
      }
      // Failed inside a 200 answer (an SSE `error` event): stream what came, then the error.
    }

    entry.status = 200
    if (!summary.stream) {
      await wait(call.latencyMs, signal)
      headers.set('content-type', 'application/json')
      const answer = call.status === 'failed' ? errorJson(api, call.error ?? { message: 'Recorded failure' }) : successJson(api, call, summary.model)
      return new Response(JSON.stringify(answer), { status: call.status === 'failed' ? 500 : 200, headers })
    }

    let frames: SseFrame[] = successFrames(api, call, summary.model, summary.includeUsage)
    if (call.status === 'failed') {
      // Keep the output that arrived, drop the end markers, then the error event.
      const error = errorJson(api, call.error ?? { message: 'Recorded failure' })
      frames = frames.filter((frame) => frame.output).concat([{ event: api === 'anthropic.messages' ? 'error' : undefined, data: JSON.stringify(error) }])
    } else if (call.finishReason === 'aborted') {
      frames = frames.slice(0, -1) // a cut-off stream: no end marker
    }
    await wait(headersMs, signal)
    headers.set('content-type', 'text/event-stream; charset=utf-8')
    headers.set('cache-control', 'no-cache')
    return new Response(frameStream(frames, call, headersMs ?? 0, wait, signal), { status: 200, headers })
  }

  return Object.assign(replay, {
    log,
    remaining: () => calls.length - used.size,
    reset: () => {
      used.clear()
      log.length = 0
    },
  })
}

/** The frames as a byte stream; with recorded timing the first output waits for `ttftMs` and the rest spread to `latencyMs`. */
function frameStream(
  frames: SseFrame[],
  call: RecordedCall,
  elapsedMs: number,
  wait: (ms: number | undefined, signal: AbortSignal | undefined) => Promise<void>,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const firstOutput = Math.max(0, frames.findIndex((frame) => frame.output))
  const ttft = call.ttftMs ?? elapsedMs
  const latency = Math.max(call.latencyMs ?? ttft, ttft)
  const afterFirst = frames.length - firstOutput - 1
  const step = afterFirst > 0 ? (latency - ttft) / afterFirst : 0
  let i = 0
  let clock = elapsedMs
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i >= frames.length) return controller.close()
      const due = i < firstOutput ? clock : i === firstOutput ? ttft : ttft + step * (i - firstOutput)
      try {
        await wait(due - clock, signal)
      } catch (error) {
        controller.error(error)
        return
      }
      clock = Math.max(clock, due)
      controller.enqueue(encoder.encode(encodeFrame(frames[i]!)))
      i++
    },
  })
}

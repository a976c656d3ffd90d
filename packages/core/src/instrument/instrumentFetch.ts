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
import { credentialsOf } from './credentials'
import { traceOf } from '../capture/traceOf'
import { detectLlmApi, providerForUrl } from './llmApi'
import { LLM_ADAPTERS } from './describeLlmRequest'
import { mergePrices, type PriceTable } from './prices'
import { createSafeRecorder, type CaptureMode, type InstrumentStats, type RecorderLike } from './safeRecorder'
import { createCall, type Call, type CallContext, type FetchFunction } from './createCall'

export type { FetchFunction }

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

interface FetchContext extends CallContext {
  provider: InstrumentFetchOptions['provider']
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
  const context: FetchContext = {
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
  context: FetchContext,
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
  return createCall(context, adapter, url, provider, described, secrets, traceOf(init?.headers, request?.headers))
}

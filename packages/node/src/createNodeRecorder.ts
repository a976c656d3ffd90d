import { AsyncLocalStorage } from 'node:async_hooks'
import { randomBytes } from 'node:crypto'
import {
  createInstrumentedFetch,
  instrumentFetch,
  type CaptureMode,
  type FetchFunction,
  type FetchMatch,
  type InstrumentedFetch,
  type PriceTable,
  traceOf,
  type RecorderLike,
  type TraceContext,
} from '@tapedeck/core/instrument'
import { keepMetadata, type RedactOptions } from '@tapedeck/core/redact'
import { closeOnExit, type CloseOnExitOptions } from './closeOnExit.js'
import { createEventRedactor, type RedactFunction } from './createEventRedactor.js'
import { LinkedStream, type StreamStats } from './LinkedStream.js'
import { sessionIdOf } from './sessionHeader.js'

export interface NodeRecorderOptions {
  /** The backend the browser recorder sends to (its `endpoint`): the streams go there too. */
  endpoint: string
  /** The ingest key, or a function that gives the current one; sent as `Authorization: Bearer …`. */
  token?: string | (() => string | Promise<string>)
  /** More headers for every request to the backend. */
  headers?: Record<string, string>
  /** The fetch that talks to the backend. Default: `globalThis.fetch` when the recorder is created. */
  fetch?: FetchFunction
  /** Named in each stream's `session.started` as `service`, so a session with several backends tells them apart. */
  service?: string
  /**
   * `metadata` (the default) records model, tokens, cost, timings, finish reasons and tool names,
   * but no prompt, answer, tool argument or error text; `full` records the text too, redacted.
   */
  capture?: CaptureMode
  /**
   * The browser recorder's redaction, applied to every event before it is queued: credentials
   * always, the built-in rules (emails, cards, phones, IBANs, IPs, JWTs) unless `builtins` says
   * otherwise, your patterns and paths. Give it the page's `createRecorder({ redact })` options
   * and the server's recording holds nothing the page would have redacted. A function runs after
   * the default rules instead.
   */
  redact?: RedactOptions | RedactFunction
  /** Which calls to record, on top of the API path shapes (see `instrumentFetch`). */
  match?: FetchMatch
  /** Prices merged over the built-in table (USD per million tokens). */
  prices?: PriceTable
  /** How long events wait to be batched, ms. Default 250. */
  flushIntervalMs?: number
  /** Events per batch at most. Default 256. */
  maxBatchEvents?: number
  /** Uncompressed bytes per batch at most (a larger event goes alone). Default 512 KiB, as the browser's. */
  maxBatchBytes?: number
  /** One event's data at most, in characters of JSON; a larger LLM call is recorded shrunk, a larger event of yours is refused. Default 256 KiB, as the browser's. */
  maxEventBytes?: number
  /** What may wait in memory for the backend, all streams together, in characters of JSON; past it new events are dropped, counted and marked with `recorder.dropped`. Default 8 MiB. */
  maxQueueBytes?: number
  /** Tries per batch before it is given up (and reported). Default 8. */
  maxAttempts?: number
  /** A stream with no new event for this long is ended (`session.ended`); a later call opens a new one. Default 5 min. */
  idleMs?: number
  /** Open streams at most; past it the least recently used is ended. Default 1000. */
  maxStreams?: number
  /**
   * Close (end every stream and send it) when the process ends: on SIGTERM and SIGINT, waiting at
   * most `timeoutMs` (2000) before the process ends as the signal asks, and when the event loop
   * runs dry (`beforeExit`). `false` to leave it to your own shutdown code (call `close()`).
   * Default on.
   */
  closeOnExit?: boolean | CloseOnExitOptions
  /** Every error the recorder swallowed: a batch the backend refused, an event that could not be built. */
  onError?: (error: unknown) => void
}

export interface NodeRecorderStats extends StreamStats {
  /** Streams open now. */
  streams: number
  /** Values the redaction replaced. */
  redactions: number
  /** Calls and events outside any session (no valid `Tapedeck-Session`): not recorded. */
  readonly skipped: number
}

export interface NodeRecorder {
  /**
   * A fetch that records LLM calls (OpenAI chat and responses, Anthropic messages) into the
   * session of the request being handled (`express()`, `route()`, `run()`), and is a plain fetch
   * anywhere else. Give it to the SDKs: `new OpenAI({ fetch: tapedeck.fetch })`.
   */
  readonly fetch: InstrumentedFetch
  /** Replaces `globalThis.fetch` with one that records the same way; returns the uninstaller. */
  instrumentGlobalFetch(): () => void
  /**
   * Runs `fn` as part of the browser session `sessionId` (a header's value; anything not a session
   * id records nothing). `traceparent`, the request's W3C trace header (the page's `propagate`
   * sends it): the LLM calls recorded in `fn` carry its trace id, and its span id as their parent.
   */
  run<T>(sessionId: string | readonly string[] | null | undefined, fn: () => T, traceparent?: string | readonly string[] | null): T
  /** The browser session of the code running now, if any. */
  currentSession(): string | undefined
  /** Records an event of your own (`x.*`, `tool.call.*`, `error.raised`…) into the current session; false outside one. With `capture: 'metadata'` its text is left out as the browser's would be (`[text]`). */
  record(type: string, data: Record<string, unknown>): boolean
  /**
   * Runs a tool and records it (`tool.call.started`, then `tool.call.completed` with `durationMs`,
   * and `result` or `error`; with `capture: 'metadata'` no arguments and no result). Resolves or
   * rejects as `fn` does; outside a session it only runs `fn`.
   */
  tool<T>(name: string, args: unknown, fn: () => T | Promise<T>): Promise<T>
  /** Records an error as `error.raised` (`name`, `message`, `stack`, `source: 'node'` and `extra`) into the current session; false outside one. */
  captureError(error: unknown, extra?: Record<string, unknown>): boolean
  /** Resolves when everything recorded so far is stored by the backend, or given up on. */
  flush(): Promise<void>
  /** Ends every stream (`session.ended`) and sends what is left. Call it when the server shuts down. */
  close(): Promise<void>
  readonly stats: Readonly<NodeRecorderStats>
}

/**
 * A recorder for the app's backend. Each browser session that calls the backend with a
 * `Tapedeck-Session` header gets a linked stream (docs/protocol.md, "Linked streams"): this
 * process's events of that session, with their own seqs, sent to the same backend as the
 * browser's with the browser session as parent. In memory until sent: call `close()` on shutdown.
 */
export function createNodeRecorder(options: NodeRecorderOptions): NodeRecorder {
  if (typeof options.endpoint !== 'string' || !/^https?:\/\//.test(options.endpoint)) {
    throw new TypeError(`createNodeRecorder: endpoint must be an http(s) URL, got ${JSON.stringify(options.endpoint)}.`)
  }
  // A rule that cannot work fails here, at start-up, as in createRecorder() — never in a request.
  const redact = createEventRedactor(options.redact)
  const capture = options.capture ?? 'metadata'
  const context = new AsyncLocalStorage<{ id: string; trace?: TraceContext }>()
  const streams = new Map<string, LinkedStream>()
  const tab = `node_${randomBytes(6).toString('base64url')}`
  let skippedEvents = 0
  const stats = {
    streams: 0,
    recorded: 0,
    sent: 0,
    dropped: 0,
    redactions: 0,
    get skipped() {
      return skippedEvents + fetch.stats.skipped
    },
  }
  const idleMs = options.idleMs ?? 5 * 60_000
  const maxStreams = options.maxStreams ?? 1000
  const onError = (error: unknown) => {
    try {
      options.onError?.(error)
    } catch {
      // an onError that throws changes nothing
    }
  }
  const streamOptions = {
    backend: { endpoint: options.endpoint, fetch: options.fetch ?? globalThis.fetch.bind(globalThis), headers: options.headers, token: options.token },
    metadata: {
      ...(options.service && { service: options.service }),
      runtime: `node ${process.version}`,
    },
    tab,
    flushIntervalMs: options.flushIntervalMs ?? 250,
    maxBatchEvents: options.maxBatchEvents ?? 256,
    maxBatchBytes: options.maxBatchBytes ?? 512 * 1024,
    maxEventBytes: options.maxEventBytes ?? 256 * 1024,
    maxAttempts: options.maxAttempts ?? 8,
    queue: { bytes: 0, maxBytes: options.maxQueueBytes ?? 8 * 1024 * 1024 },
    stats,
    onError,
  }
  const closing = new Set<Promise<void>>()

  const end = (stream: LinkedStream, reason: string) => {
    streams.delete(stream.parent)
    stats.streams = streams.size
    const done = stream.end(reason).finally(() => closing.delete(done))
    closing.add(done)
  }

  const sweep = setInterval(() => {
    const before = Date.now() - idleMs
    for (const stream of [...streams.values()]) if (stream.lastUsed < before) end(stream, 'idle')
  }, Math.min(idleMs, 60_000))
  sweep.unref()

  const streamFor = (parent: string): LinkedStream => {
    let stream = streams.get(parent)
    if (stream) {
      // Most recently used last: the first in the map is the one to end when there are too many.
      streams.delete(parent)
      streams.set(parent, stream)
      return stream
    }
    stream = new LinkedStream(parent, streamOptions)
    streams.set(parent, stream)
    if (streams.size > maxStreams) end(streams.values().next().value!, 'evicted')
    stats.streams = streams.size
    return stream
  }

  /**
   * Redacts and queues one event into the current session: false outside one or when the queue
   * is full; throws for an event that cannot be recorded (`event_too_large`, a value JSON cannot
   * hold), so the instrumentation can shrink an LLM call and try again.
   */
  const recordInSession = (type: string, data: Record<string, unknown>): boolean => {
    const current = context.getStore()
    if (current === undefined) {
      skippedEvents++
      return false
    }
    const { id: parent, trace } = current
    // The browser's trace, unless the call carried one of its own (an OpenTelemetry-traced backend).
    if (trace && type === 'provider.call.started' && data.traceId === undefined) data = { ...data, traceId: trace.traceId, spanId: trace.spanId }
    const redacted = redact(type, data)
    stats.redactions += redacted.count
    return streamFor(parent).record(type, redacted.data)
  }

  /** The same for callers that must never see an error: it goes to `onError`. */
  const record = (type: string, data: Record<string, unknown>): boolean => {
    try {
      return recordInSession(type, data)
    } catch (error) {
      onError(error)
      return false
    }
  }

  // What the instrumentation of @tapedeck/core records into: the session of the current request.
  const recorder = {
    record: recordInSession,
    getSnapshot: () => ({ state: context.getStore() === undefined ? 'idle' : 'recording' }),
  } as unknown as RecorderLike
  const instrumentation = { capture, match: options.match, prices: options.prices, onError }
  const fetch = createInstrumentedFetch(recorder, { ...instrumentation, fetch: globalThis.fetch })

  const full = capture === 'full'
  let toolCalls = 0
  const describe = (error: unknown): Record<string, unknown> => {
    const e = error as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; status?: unknown } | null
    const name = typeof e?.name === 'string' ? e.name : 'Error'
    const code = typeof e?.code === 'string' || typeof e?.code === 'number' ? e.code : undefined
    const status = typeof e?.status === 'number' ? e.status : undefined
    const message = e !== null && typeof e === 'object' && 'message' in e ? String(e.message) : String(error)
    return {
      name,
      // As the browser's capture: 'metadata' keeps it: the name and codes, not the text.
      message: full ? message.slice(0, 2000) : '[text]',
      ...(full && typeof e?.stack === 'string' && { stack: e.stack.slice(0, 8000) }),
      ...(code !== undefined && { code }),
      ...(status !== undefined && { status }),
    }
  }

  const api: NodeRecorder = {
    fetch,
    instrumentGlobalFetch: () => instrumentFetch(recorder, instrumentation),
    run(sessionId, fn, traceparent) {
      const id = sessionIdOf(sessionId)
      if (id === undefined) return fn()
      const header = Array.isArray(traceparent) ? traceparent[0] : traceparent
      const trace = typeof header === 'string' ? traceOf({ traceparent: header }) : undefined
      return context.run({ id, ...(trace && { trace }) }, fn)
    },
    currentSession: () => context.getStore()?.id,
    record(type, data) {
      // The lifecycle types are the recorder's own (docs/protocol.md §1), as in the browser.
      if (typeof type !== 'string' || type === '' || type.startsWith('session.') || type === 'recorder.dropped' || type === 'consent.changed') {
        onError(new TypeError(`Tapedeck: ${JSON.stringify(type)} is not a type an app may record (session.*, recorder.dropped and consent.changed are the recorder's own).`))
        return false
      }
      return record(type, full || data === null || typeof data !== 'object' ? data : (keepMetadata(data).value as Record<string, unknown>))
    },
    async tool(name, args, fn) {
      if (context.getStore() === undefined) return fn()
      const toolCallId = `t_${tab.slice(5)}_${++toolCalls}`
      record('tool.call.started', { toolCallId, name, executedBy: 'server', ...(full && args !== undefined && { args }) })
      const t0 = performance.now()
      const durationMs = () => Math.round((performance.now() - t0) * 10) / 10
      try {
        const result = await fn()
        record('tool.call.completed', { toolCallId, name, durationMs: durationMs(), ...(full && result !== undefined && { result }) })
        return result
      } catch (error) {
        record('tool.call.completed', { toolCallId, name, durationMs: durationMs(), error: describe(error) })
        throw error
      }
    },
    captureError(error, extra = {}) {
      return record('error.raised', { ...describe(error), source: 'node', ...extra })
    },
    async flush() {
      await fetch.settled()
      await Promise.all([...streams.values()].map((stream) => stream.flush()))
      await Promise.all([...closing])
    },
    async close() {
      uninstallExit()
      clearInterval(sweep)
      await fetch.settled()
      for (const stream of [...streams.values()]) end(stream, 'closed')
      await Promise.all([...closing])
    },
    stats,
  }
  const exit = options.closeOnExit ?? true
  const uninstallExit = exit === false ? () => undefined : closeOnExit(() => api.close(), exit === true ? {} : exit)
  return api
}

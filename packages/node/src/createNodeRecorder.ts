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
  type RecorderLike,
} from '@tapedeck/core/instrument'
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
   * but no prompt or answer text; `full` records the text too. The browser recorder redacts text
   * in its worker before storing it; this package cannot run those rules, so text is opt-in,
   * with `redact` to clean it.
   */
  capture?: CaptureMode
  /** Applied to every event's data before it is queued (with `capture: 'full'`, to remove what must not leave the server). */
  redact?: (data: Record<string, unknown>, type: string) => Record<string, unknown>
  /** Which calls to record, on top of the API path shapes (see `instrumentFetch`). */
  match?: FetchMatch
  /** Prices merged over the built-in table (USD per million tokens). */
  prices?: PriceTable
  /** How long events wait to be batched, ms. Default 250. */
  flushIntervalMs?: number
  /** Events per batch at most. Default 256. */
  maxBatchEvents?: number
  /** Tries per batch before it is given up (and reported). Default 8. */
  maxAttempts?: number
  /** A stream with no new event for this long is ended (`session.ended`); a later call opens a new one. Default 5 min. */
  idleMs?: number
  /** Open streams at most; past it the least recently used is ended. Default 1000. */
  maxStreams?: number
  /** Every error the recorder swallowed: a batch the backend refused, an event that could not be built. */
  onError?: (error: unknown) => void
}

export interface NodeRecorderStats extends StreamStats {
  /** Streams open now. */
  streams: number
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
  /** Runs `fn` as part of the browser session `sessionId` (a header's value; anything not a session id records nothing). */
  run<T>(sessionId: string | readonly string[] | null | undefined, fn: () => T): T
  /** The browser session of the code running now, if any. */
  currentSession(): string | undefined
  /** Records an event of your own (`x.*`, `tool.call.*`, `error.raised`…) into the current session; false outside one. */
  record(type: string, data: Record<string, unknown>): boolean
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
  const context = new AsyncLocalStorage<string>()
  const streams = new Map<string, LinkedStream>()
  const tab = `node_${randomBytes(6).toString('base64url')}`
  let skippedEvents = 0
  const stats = {
    streams: 0,
    recorded: 0,
    sent: 0,
    dropped: 0,
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
    maxAttempts: options.maxAttempts ?? 8,
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

  const record = (type: string, data: Record<string, unknown>): boolean => {
    const parent = context.getStore()
    if (parent === undefined) {
      skippedEvents++
      return false
    }
    try {
      return streamFor(parent).record(type, options.redact ? options.redact(data, type) : data)
    } catch (error) {
      onError(error)
      return false
    }
  }

  // What the instrumentation of @tapedeck/core records into: the session of the current request.
  const recorder = {
    record,
    getSnapshot: () => ({ state: context.getStore() === undefined ? 'idle' : 'recording' }),
  } as unknown as RecorderLike
  const instrumentation = { capture: options.capture ?? 'metadata', match: options.match, prices: options.prices, onError }
  const fetch = createInstrumentedFetch(recorder, { ...instrumentation, fetch: globalThis.fetch })

  return {
    fetch,
    instrumentGlobalFetch: () => instrumentFetch(recorder, instrumentation),
    run(sessionId, fn) {
      const id = sessionIdOf(sessionId)
      return id === undefined ? fn() : context.run(id, fn)
    },
    currentSession: () => context.getStore(),
    record(type, data) {
      // The lifecycle types are the recorder's own (docs/protocol.md §1), as in the browser.
      if (typeof type !== 'string' || type === '' || type.startsWith('session.') || type === 'recorder.dropped' || type === 'consent.changed') {
        onError(new TypeError(`Tapedeck: ${JSON.stringify(type)} is not a type an app may record (session.*, recorder.dropped and consent.changed are the recorder's own).`))
        return false
      }
      return record(type, data)
    },
    async flush() {
      await fetch.settled()
      await Promise.all([...streams.values()].map((stream) => stream.flush()))
      await Promise.all([...closing])
    },
    async close() {
      clearInterval(sweep)
      await fetch.settled()
      for (const stream of [...streams.values()]) end(stream, 'closed')
      await Promise.all([...closing])
    },
    stats,
  }
}

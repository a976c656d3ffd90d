/**
 * The catalogue's page and capture payloads (docs/capture.md): how a session was sampled, the page
 * it ran in, and what `autoCapture` records of the console, failed requests and sockets. Part of the
 * event catalogue (`catalogue.ts`), which re-exports them.
 */

/** What `session.started` says of sampling: the rates that decided, so statistics can scale back. */
export interface SessionSampling {
  /** The session's rate (`sampleRate`); absent: every session is kept. */
  rate?: number
  /** `on-error`: the session was kept only because something triggered it (see `session.kept`). */
  mode?: 'always' | 'on-error'
  /** Per-type rates (`sample`); each kept event of those types carries its rate as `sampleRate`. */
  types?: Record<string, number>
}

/** The browser and page a session was recorded in. Nothing that identifies the user beyond what any page can read. */
export interface PageContext {
  /** Origin and path: the query string and fragment are left out. */
  url?: string
  viewport?: { width: number; height: number; dpr: number }
  screen?: { width: number; height: number }
  language?: string
  timeZone?: string
  userAgent?: string
  /** `navigator.connection.effectiveType` and `saveData`, where the browser has them. */
  connection?: { effectiveType?: string; saveData?: boolean }
  /** `navigator.deviceMemory` (GiB, rounded by the browser), where it has it. */
  deviceMemory?: number
  hardwareConcurrency?: number
}

/** An on-error session was kept (`mode: 'on-error'`): what triggered it, and where the kept window starts (this event's `t`). */
export interface SessionKeptData {
  /** The event type that triggered (`provider.call.failed`, `error.raised`, `feedback.submitted`), `keep` (with the app's reason), or `predicate`. */
  reason: string
  /** The reason the app gave to `recorder.keep(reason)`. */
  detail?: string
  /** The window kept from before the trigger, in ms (`bufferMs`). */
  bufferMs: number
  /** Events recorded before the window that were never kept (expired or over the buffer's bounds). */
  discarded: number
  [key: string]: unknown
}

/** A console message (`autoCapture.console`): `console.error` / `console.warn` by default. */
export interface ConsoleLoggedData {
  level: 'error' | 'warn' | 'info' | 'log' | 'debug'
  /** The arguments as text, joined by spaces, at most 2,000 characters. */
  message: string
  /** The stack of the first Error argument, at most 4,000 characters. */
  stack?: string
  /** Messages left out by the rate bound since the last one recorded. */
  suppressed?: number
  [key: string]: unknown
}

/** A request that failed (`autoCapture.network`): status ≥ 400 or no response at all. */
export interface NetworkFailedData {
  via: 'fetch' | 'xhr'
  method: string
  /** Origin and path: the query string and fragment are left out unless `network.query` is on. */
  url: string
  /** The HTTP status; absent when no response came (`error` says why). */
  status?: number
  statusText?: string
  /** What went wrong when no response came (`TypeError: Failed to fetch`, `timeout`, …). */
  error?: string
  durationMs: number
  /** Failures left out by the rate bound since the last one recorded. */
  suppressed?: number
  [key: string]: unknown
}

/** A WebSocket of the page (`autoCapture.socket`): one event when it opens, fails or closes — never its messages. */
export interface NetworkSocketData {
  /** `open`, `error` (the browser gives no detail; `closed` follows), or `closed`. */
  state: 'open' | 'error' | 'closed'
  /** Origin and path: the query string and fragment are left out unless `socket.query` is on. */
  url: string
  /** `open`: the subprotocol the server chose (empty when none). */
  protocol?: string
  /** `closed`: the close code (1000 normal, 1006 the connection dropped or never opened, …). */
  code?: number
  /** `closed`: the close reason the other side or the app gave, at most 123 characters. */
  reason?: string
  wasClean?: boolean
  /** `closed`: what the page sent and received over the socket's life. */
  sent?: SocketTraffic
  received?: SocketTraffic
  /** `error` and `closed`: ms since the socket was made. */
  durationMs?: number
  /** Sockets left out by the rate bound since the last one recorded (on `open`). */
  suppressed?: number
  [key: string]: unknown
}

/** Messages and their bytes (UTF-8 for text) one way over a socket. */
export interface SocketTraffic {
  messages: number
  bytes: number
  [key: string]: unknown
}

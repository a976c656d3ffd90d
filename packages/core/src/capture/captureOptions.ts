import { TapedeckError } from '../errors'
import { isReservedType, type JsonObject, type RecordableEventType } from '../events/catalogue'

/** The recorder's options for production traffic (docs/capture.md). Every one is off by default. */
export interface CaptureOptions {
  /**
   * The share of sessions recorded, 0–1. Decided once per session from its id, so every tab and
   * reload of a session agrees; an unsampled session stores and sends nothing (status `sampled: false`).
   */
  sampleRate?: number
  /** Per-type rates, 0–1: `{ 'user.action': 0.1 }` keeps one in ten; a kept event carries its `sampleRate`. */
  sample?: Partial<Record<RecordableEventType, number>>
  /**
   * `on-error`: keep the last `bufferMs` of events in memory and store nothing until a trigger —
   * `provider.call.failed`, `error.raised`, a negative `feedback.submitted`, `keepWhen`, or
   * `recorder.keep()`; then the window and everything after it are recorded. Default `always`.
   */
  mode?: 'always' | 'on-error'
  /** How much of an on-error session before its trigger is kept, in ms. Default 60000. */
  bufferMs?: number
  /** On-error mode: also keep the session when this returns true for an event. */
  keepWhen?: (event: { type: string; data: JsonObject }) => boolean
  /** The random source of per-type sampling (tests inject a seeded one). Default `Math.random`. */
  random?: () => number
  /**
   * What the recorder captures on its own, each opt-in: console messages, failed requests, page
   * context, Web Vitals, and the user actions of `autoCapture()` (clicks, navigation, forms,
   * uncaught errors). `true`: all of them with their defaults.
   */
  autoCapture?: boolean | AutoCaptureSet
  /** W3C `traceparent` and `Tapedeck-Session` headers on the app's own requests to these origins. Off by default. */
  propagate?: PropagateOptions
}

/**
 * Only what is named is captured. `clicks`, `navigation`, `forms` and `errors` are passed to
 * `autoCapture()` (docs/instrumentation.md), as its options of the same names. (Written out here:
 * this file is imported by the recorder's options type, and must not import the instrumentation.)
 */
export interface AutoCaptureSet {
  clicks?: boolean | 'marked'
  navigation?: boolean | { query?: boolean }
  forms?: boolean | { values?: string[] }
  errors?: boolean
  /** `console.error` / `console.warn` as `console.logged`. */
  console?: boolean | ConsoleCaptureOptions
  /** fetch and XMLHttpRequest answered with status ≥ 400, or not at all, as `network.failed`. */
  network?: boolean | NetworkCaptureOptions
  /** The page's WebSockets as `network.socket`: open, error, and close with message counts and bytes — not the messages. */
  socket?: boolean | SocketCaptureOptions
  /** The browser and page, once per session, in `session.started` (`context`). */
  context?: boolean
  /** LCP, INP and CLS as `metric.sampled`, when the page is hidden or the recorder closes. */
  vitals?: boolean
}

/** Checks the options (when the capture code loads: `start()` rejects with `invalid_options`). */
export function checkCaptureOptions(options: CaptureOptions): void {
  const { sampleRate, sample, mode, bufferMs } = options
  if (sampleRate !== undefined) rate('sampleRate', sampleRate)
  for (const [type, value] of Object.entries(sample ?? {})) {
    if (isReservedType(type)) throw invalid(`sample cannot name "${type}": the recorder's own events are always kept.`)
    rate(`sample["${type}"]`, value)
  }
  if (mode !== undefined && mode !== 'always' && mode !== 'on-error') throw invalid(`mode must be 'always' or 'on-error', got ${JSON.stringify(mode)}.`)
  if (bufferMs !== undefined && !(bufferMs > 0)) throw invalid(`bufferMs must be a positive number, got ${bufferMs}.`)
}

function rate(name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw invalid(`${name} must be a number from 0 to 1, got ${JSON.stringify(value)}.`)
}

function invalid(message: string): TapedeckError {
  return new TapedeckError('invalid_options', message)
}

export interface ConsoleCaptureOptions {
  /** Default `['error', 'warn']`. */
  levels?: Array<'error' | 'warn' | 'info' | 'log' | 'debug'>
  /** At most this many messages a minute; the next one recorded counts the others in `suppressed`. Default 30. */
  perMinute?: number
  /** The console to watch. Default the global one. */
  console?: Console
}

export interface NetworkCaptureOptions {
  /** Keep the query string of recorded URLs. Default false (it often carries tokens and ids). */
  query?: boolean
  /** At most this many failures a minute; the next one recorded counts the others in `suppressed`. Default 30. */
  perMinute?: number
  /** URLs never recorded (prefixes); the recorder's own `endpoint` is always left out. */
  ignore?: string[]
  /** The window whose `fetch` and `XMLHttpRequest` to watch. Default the global one. */
  window?: Window
}

export interface SocketCaptureOptions {
  /** Keep the query string of recorded URLs. Default false (it often carries tokens and ids). */
  query?: boolean
  /** At most this many sockets recorded a minute; the next one says how many were left out (`suppressed`). Default 30. */
  perMinute?: number
  /** URLs never recorded (prefixes; `http(s):` ones stand for `ws(s):`); the recorder's own `endpoint` is always left out. */
  ignore?: string[]
  /** The window whose `WebSocket` to watch. Default the global one. */
  window?: Window
}

export interface PropagateOptions {
  /**
   * Where the headers go: origins (`'https://api.example.com'`, compared exactly) or patterns
   * tested against the whole URL. Nothing else ever gets them — not third parties, not the
   * recorder's own backend. Default: none.
   */
  origins: Array<string | RegExp>
  /** Also send the session id as `Tapedeck-Session` (what `@tapedeck/node` reads). Default true. */
  session?: boolean
  /** The window whose `fetch` to wrap. Default the global one. */
  window?: Window
}

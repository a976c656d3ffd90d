import { TapedeckError } from '@tapedeck/core'
import type { WidgetPosition } from '../element/TapedeckRecorderElement'
import type { AutoCaptureInit, InitOptions } from './init'

/** What the script tag's `data-*` attributes ask for. */
export interface ScriptConfig {
  options: InitOptions
  /** `data-auto-start`: start a session at once. */
  autoStart: boolean
}

const CAPTURE_KINDS = ['clicks', 'navigation', 'forms', 'errors', 'llm', 'console', 'network', 'socket', 'context', 'vitals'] as const

/** How an attribute's text becomes an option's value: `BAD` for text that means nothing. */
type Read = (value: string) => unknown
const BAD = {}

const oneOf =
  (...values: string[]): Read =>
  (value) =>
    values.includes(value) ? value : BAD
const rate: Read = (value) => (value.trim() && +value >= 0 && +value <= 1 ? +value : BAD)
const text: Read = (value) => value || undefined
const words = (value: string) => value.split(/[\s,]+/).filter(Boolean)

/**
 * The attributes that are `init` options (as `dataset` keys), each with its reader; `data-widget`,
 * `data-auto-start` and `data-capture` are read below. The recorder checks the options again.
 */
const OPTIONS: Record<string, Read> = {
  endpoint: text,
  workerUrl: text,
  dbName: text,
  consent: oneOf('required', 'none'),
  // docs/capture.md
  sampleRate: rate,
  mode: oneOf('always', 'on-error'),
  bufferMs: (value) => (+value > 0 ? +value : BAD),
  // `data-sample="user.action:0.1 x.step:0.5"`
  sample: (value) => {
    const rates: Record<string, unknown> = {}
    for (const word of words(value)) {
      const at = word.lastIndexOf(':')
      const value = at > 0 ? rate(word.slice(at + 1)) : BAD
      if (value === BAD) return BAD
      rates[word.slice(0, at)] = value
    }
    return rates
  },
  // `data-propagate="https://api.example.com https://auth.example.com"`: the origins that get trace headers.
  propagate: (value) => ({ origins: words(value) }),
  persist: (value) => value !== 'false',
}

/**
 * Reads `<script src="tapedeck.js" data-endpoint data-consent data-widget data-auto-start
 * data-capture data-worker-url data-db-name data-sample-rate data-sample data-mode
 * data-buffer-ms data-propagate data-persist>` (a `dataset`). `undefined` when none of them is
 * there: the page calls `Tapedeck.init()` itself. Throws `invalid_options` for a value that
 * means nothing.
 */
export function scriptOptions(data: Record<string, string | undefined>): ScriptConfig | undefined {
  if (!['widget', 'autoStart', 'capture', ...Object.keys(OPTIONS)].some((name) => data[name] !== undefined)) return undefined
  const options: Record<string, unknown> = {}
  for (const [key, read] of Object.entries(OPTIONS)) {
    const value = data[key] === undefined ? undefined : read(data[key])
    if (value === BAD) throw invalid(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), data[key])
    if (value !== undefined) options[key] = value
  }
  if (data.widget !== undefined && data.widget !== 'false') {
    options.widget = data.widget ? { position: data.widget as WidgetPosition } : true
  }
  if (data.capture !== undefined) options.autoCapture = captureList(data.capture)
  return { options: options as InitOptions, autoStart: data.autoStart !== undefined && data.autoStart !== 'false' }
}

/**
 * `data-capture="clicks navigation llm"` (spaces or commas) turns on those kinds only — the
 * actions of `autoCapture()`, `llm`, and the recorder's `console`, `network`, `socket`, `context`,
 * `vitals`; `none` turns all off.
 */
function captureList(value: string): false | AutoCaptureInit {
  const list = words(value)
  if (list.length === 1 && list[0] === 'none') return false
  const capture: AutoCaptureInit = { clicks: false, navigation: false, forms: false, errors: false, llm: false }
  for (const word of list) {
    if (!(CAPTURE_KINDS as readonly string[]).includes(word)) throw invalid('capture', word)
    capture[word as (typeof CAPTURE_KINDS)[number]] = true
  }
  return capture
}

/** `data-<name>` cannot take that value: the page goes on without Tapedeck, the console says why. */
function invalid(name: string, value: unknown): TapedeckError {
  return new TapedeckError('invalid_options', `data-${name} cannot be ${JSON.stringify(value)} (docs/widget.md lists its values).`)
}

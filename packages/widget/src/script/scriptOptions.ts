import { TapedeckError } from '@tapedeck/core'
import type { WidgetPosition } from '../element/TapedeckRecorderElement'
import type { AutoCaptureInit, InitOptions } from './init'

/** What the script tag's `data-*` attributes ask for. */
export interface ScriptConfig {
  options: InitOptions
  /** `data-auto-start`: start a session at once. */
  autoStart: boolean
}

const CAPTURE_KINDS = ['clicks', 'navigation', 'forms', 'errors', 'llm'] as const

/** The attributes that make the script tag set Tapedeck up on its own (as `dataset` keys). */
const TRIGGERS = ['endpoint', 'consent', 'widget', 'autoStart', 'capture', 'workerUrl', 'dbName']

/**
 * Reads `<script src="tapedeck.js" data-endpoint data-consent data-widget data-auto-start
 * data-capture data-worker-url data-db-name>` (a `dataset`). `undefined` when none of them is
 * there: the page calls `Tapedeck.init()` itself. Throws `invalid_options` for a value that
 * means nothing.
 */
export function scriptOptions(data: Record<string, string | undefined>): ScriptConfig | undefined {
  if (!TRIGGERS.some((name) => data[name] !== undefined)) return undefined
  const options: InitOptions = {}
  if (data.endpoint) options.endpoint = data.endpoint
  if (data.workerUrl) options.workerUrl = data.workerUrl
  if (data.dbName) options.dbName = data.dbName
  if (data.consent !== undefined) {
    if (data.consent !== 'required' && data.consent !== 'none') {
      throw new TapedeckError('invalid_options', `data-consent must be "required" or "none", got ${JSON.stringify(data.consent)}.`)
    }
    options.consent = data.consent
  }
  if (data.widget !== undefined && data.widget !== 'false') {
    options.widget = data.widget ? { position: data.widget as WidgetPosition } : true
  }
  if (data.capture !== undefined) options.autoCapture = captureList(data.capture)
  return { options, autoStart: data.autoStart !== undefined && data.autoStart !== 'false' }
}

/** `data-capture="clicks navigation llm"` (spaces or commas) turns on those kinds only; `none` turns all off. */
function captureList(value: string): false | AutoCaptureInit {
  const words = value.split(/[\s,]+/).filter(Boolean)
  if (words.length === 1 && words[0] === 'none') return false
  const capture: AutoCaptureInit = { clicks: false, navigation: false, forms: false, errors: false, llm: false }
  for (const word of words) {
    if (!(CAPTURE_KINDS as readonly string[]).includes(word)) {
      throw new TapedeckError('invalid_options', `data-capture takes ${CAPTURE_KINDS.join(', ')} or none; ${JSON.stringify(word)} is not one of them.`)
    }
    capture[word as (typeof CAPTURE_KINDS)[number]] = true
  }
  return capture
}

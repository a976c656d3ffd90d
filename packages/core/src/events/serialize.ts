import { TapedeckError } from '../errors'
import { CATALOGUE_TYPES, isReservedType } from './catalogue'

/** An event accepted on the page and not yet stored: `data` is already JSON text. */
export interface PendingEvent {
  type: string
  /** JSON of the payload, taken when `record()` was called (later changes to the object do not leak in). */
  data: string
  /** Wall clock, epoch ms. */
  ts: number
  /** High-resolution epoch ms from the page's monotonic clock; the worker turns it into `t`. */
  at: number
  checkpoint?: true
}

const CUSTOM_TYPE = /^x\.[A-Za-z0-9_.:-]{1,120}$/

export function checkType(type: unknown): asserts type is string {
  if (typeof type === 'string') {
    if (CATALOGUE_TYPES.has(type)) {
      if (isReservedType(type)) {
        throw new TapedeckError(
          'reserved_event_type',
          `"${type}" is written by the recorder: use start(), pause(), resume() and stop().`,
        )
      }
      return
    }
    if (CUSTOM_TYPE.test(type)) return
  }
  throw new TapedeckError(
    'invalid_event_type',
    `Unknown event type ${JSON.stringify(String(type))}: use a catalogue type ("message.created") or your own starting with "x." ("x.checkout.step").`,
  )
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'symbol') return 'a symbol'
  if (typeof value === 'bigint') return 'a BigInt'
  const ctor = (value as object).constructor
  const name = typeof ctor === 'function' && ctor.name ? ctor.name : 'an object with a custom prototype'
  if (typeof Node !== 'undefined' && value instanceof Node) return `a DOM node (${name})`
  return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`
}

function notSerializable(key: string, value: unknown): TapedeckError {
  const where = key === '' ? 'data' : `field "${key}"`
  return new TapedeckError(
    'not_serializable',
    `Cannot record ${where}: it is ${describe(value)}, which JSON cannot carry. Record plain objects, arrays, strings, numbers, booleans and null.`,
  )
}

const MAX_DEPTH = 64

/**
 * Accepts JSON values only; everything else is refused with the key it was found under. A walk
 * before a plain `JSON.stringify` costs less than a replacer function called for every key.
 */
function checkJson(value: unknown, key: string, depth: number): void {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return
    case 'object': {
      if (value === null) return
      if (depth > MAX_DEPTH) throw tooDeep(key)
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) checkJson(value[i], key, depth + 1)
        return
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) {
        // Dates and other values that say how to be JSON are taken as they say.
        if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return
        throw notSerializable(key, value)
      }
      for (const field in value) {
        const item = (value as Record<string, unknown>)[field]
        // Most fields are strings and numbers: checked here, without a call.
        const kind = typeof item
        if (kind === 'string' || kind === 'number' || kind === 'boolean' || kind === 'undefined' || item === null) continue
        checkJson(item, field, depth + 1)
      }
      return
    }
    default:
      throw notSerializable(key, value)
  }
}

function tooDeep(key: string): TapedeckError {
  return new TapedeckError(
    'not_serializable',
    `Cannot record field "${key}": the data is circular (or nested deeper than ${MAX_DEPTH} levels).`,
  )
}

/**
 * Checks an event payload and turns it into JSON at once, so a bad value fails at the call
 * site and a later change to the object cannot alter what was recorded.
 * Size is the length of the JSON text in characters.
 */
export function serializeData(type: string, data: unknown, maxEventBytes: number): string {
  try {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new TapedeckError(
        'invalid_event_data',
        `The data of "${type}" must be a plain object, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}.`,
      )
    }
    checkJson(data, '', 0)
  } catch (error) {
    if (error instanceof TapedeckError) throw error
    // Reading the payload threw: a getter, or a Proxy whose traps throw.
    throw new TapedeckError(
      'invalid_event_data',
      `Cannot read the data of "${type}": ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}. Record plain data, not getters or proxies.`,
      { cause: error },
    )
  }
  let json: string
  try {
    json = JSON.stringify(data)
  } catch (error) {
    // A toJSON that throws, or returns something circular.
    throw new TapedeckError(
      'not_serializable',
      `Cannot record the data of "${type}": ${error instanceof Error ? error.message : String(error)}.`,
      { cause: error },
    )
  }
  if (json.length > maxEventBytes) {
    throw new TapedeckError(
      'event_too_large',
      `The data of "${type}" is ${formatSize(json.length)} of JSON, over maxEventBytes (${formatSize(maxEventBytes)}): trim it, or attach() large payloads.`,
    )
  }
  return json
}

function formatSize(bytes: number): string {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`
}

/** Session ids (and other ids that appear in URLs and file names): safe in a path, a header and JSON. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/

import { ServerError } from '../ServerError.js'
import type { WireEvent } from '../store/SessionStore.js'
import { isRecord } from '../summary/isRecord.js'
import { inflateLimited } from './inflateLimited.js'
import { LineSplitter } from './LineSplitter.js'

const decoder = new TextDecoder('utf-8', { fatal: true })

/** A slice is handed on once it holds this many events or bytes of lines, whichever comes first. */
const SLICE_EVENTS = 1000
const SLICE_BYTES = 256 * 1024
/** Other requests get a turn at least this often (ms) while a slice is being decoded. */
const TURN_MS = 4
/**
 * The deepest an event may nest arrays and objects, itself included. JSON.parse takes any
 * depth, but JSON.stringify (a store writing the event, an export) recurses and throws past a
 * few thousand; real events nest a few dozen levels.
 */
export const MAX_DEPTH = 512
/** A body sent without gzip is split in pieces this large, as inflated output would be. */
const PLAIN_PIECE = 16 * 1024

export interface BatchEnvelope {
  sessionId: string
  firstSeq: number
  lastSeq: number
}

export interface DecodeLimits {
  maxDecompressedBytes: number
  maxLineBytes: number
  maxBatchEvents: number
}

/**
 * Turns a request body into validated events, in slices, or refuses the whole batch: every line
 * must be a JSON object of the header's session, with an integer seq inside the header's range,
 * strictly increasing, and a non-empty string `type`, nesting at most MAX_DEPTH levels. Blank
 * lines are ignored.
 *
 * Nothing is decoded before it is asked for, and between slices the event loop gets a turn:
 * a store writes each slice and drops it, so a batch never lives in memory as a whole, and a
 * large one never stalls other requests. The refusal of a late line comes from the iteration,
 * after earlier slices were handed on: a store writes a batch all or nothing (SessionStore).
 */
export async function* decodeBatch(body: Uint8Array, gzip: boolean, envelope: BatchEnvelope, limits: DecodeLimits): AsyncGenerator<WireEvent[]> {
  let slice: WireEvent[] = []
  let sliceBytes = 0
  let count = 0
  let previousSeq: number | undefined
  const splitter = new LineSplitter(limits.maxLineBytes, (bytes, lineNumber) => {
    const event = parseLine(bytes, lineNumber)
    if (event === null) return
    checkEvent(event, lineNumber, envelope, previousSeq)
    count += 1
    if (count > limits.maxBatchEvents) {
      throw new ServerError('too_many_events', `The batch holds more than ${limits.maxBatchEvents} events: send it in smaller batches.`)
    }
    previousSeq = event.seq
    slice.push(event)
    sliceBytes += bytes.length
  })
  let turn = performance.now()
  for await (const chunk of gzip ? inflateLimited(body, limits.maxDecompressedBytes) : plainPieces(body, limits.maxDecompressedBytes)) {
    splitter.push(chunk)
    if (slice.length >= SLICE_EVENTS || sliceBytes >= SLICE_BYTES) {
      yield slice
      slice = []
      sliceBytes = 0
    }
    if (performance.now() - turn >= TURN_MS) {
      await nextTurn()
      turn = performance.now()
    }
  }
  splitter.end()
  if (count === 0) throw new ServerError('empty_batch', 'The batch holds no events.')
  if (slice.length > 0) yield slice
}

async function* plainPieces(body: Uint8Array, maxBytes: number): AsyncGenerator<Uint8Array> {
  if (body.length > maxBytes) throw new ServerError('decompressed_too_large', `The batch is larger than ${maxBytes} bytes.`)
  for (let offset = 0; offset < body.length; offset += PLAIN_PIECE) yield body.subarray(offset, offset + PLAIN_PIECE)
}

/** Lets timers and I/O run: setImmediate where there is one (Node), else a zero timeout. */
function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => void }).setImmediate
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)))
}

function parseLine(bytes: Uint8Array, lineNumber: number): WireEvent | null {
  let value: unknown
  try {
    const text = decoder.decode(bytes)
    if (text.trim() === '') return null
    value = JSON.parse(text)
  } catch (error) {
    throw new ServerError('invalid_json', `Line ${lineNumber} is not UTF-8 JSON.`, { cause: error })
  }
  if (!isRecord(value)) throw new ServerError('invalid_event', `Line ${lineNumber} is not a JSON object.`)
  // A depth of n takes 2n bytes of brackets: a shorter line needs no look.
  if (bytes.length > 2 * MAX_DEPTH && nestsDeeper(value, MAX_DEPTH)) {
    throw new ServerError('invalid_event', `Line ${lineNumber} nests more than ${MAX_DEPTH} arrays and objects.`)
  }
  return value as WireEvent
}

/** Whether a parsed value holds more than `levels` arrays and objects one inside another. */
function nestsDeeper(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (levels === 0) return true
  // Indexes and for-in: no array of values is made per object (a quarter of JSON.parse's time, not half).
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestsDeeper(value[i], levels - 1)) return true
  } else {
    for (const key in value) if (nestsDeeper((value as Record<string, unknown>)[key], levels - 1)) return true
  }
  return false
}

function checkEvent(event: WireEvent, lineNumber: number, envelope: BatchEnvelope, previousSeq: number | undefined): void {
  const at = `Line ${lineNumber}`
  if (event.sessionId !== envelope.sessionId) {
    throw new ServerError('session_mismatch', `${at}: sessionId is not the Tapedeck-Session header.`)
  }
  if (!Number.isSafeInteger(event.seq)) throw new ServerError('invalid_event', `${at}: seq is not an integer.`)
  if (event.seq < envelope.firstSeq || event.seq > envelope.lastSeq) {
    throw new ServerError(
      'seq_out_of_range',
      `${at}: seq ${event.seq} is outside Tapedeck-Seq ${envelope.firstSeq}-${envelope.lastSeq}.`,
    )
  }
  if (previousSeq !== undefined && event.seq <= previousSeq) {
    throw new ServerError('seq_out_of_order', `${at}: seq ${event.seq} does not follow seq ${previousSeq}.`)
  }
  if (typeof event.type !== 'string' || event.type === '') {
    throw new ServerError('invalid_event', `${at}: type is not a non-empty string.`)
  }
}

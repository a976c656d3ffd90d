import { ServerError } from '../ServerError.js'
import type { WireEvent } from '../store/SessionStore.js'
import { isRecord } from '../summary/sessionSummary.js'
import { gunzipLimited } from './gunzipLimited.js'
import { LineSplitter } from './LineSplitter.js'

const decoder = new TextDecoder('utf-8', { fatal: true })

export interface BatchEnvelope {
  sessionId: string
  firstSeq: number
  lastSeq: number
}

export interface DecodeLimits {
  maxDecompressedBytes: number
  maxLineBytes: number
}

/**
 * Turns a request body into validated events, or refuses the whole batch: every line must be
 * a JSON object of the header's session, with an integer seq inside the header's range,
 * strictly increasing, and a non-empty string `type`. Blank lines are ignored.
 */
export function decodeBatch(body: Uint8Array, gzip: boolean, envelope: BatchEnvelope, limits: DecodeLimits): WireEvent[] {
  const events: WireEvent[] = []
  const splitter = new LineSplitter(limits.maxLineBytes, (bytes, lineNumber) => {
    const event = parseLine(bytes, lineNumber)
    if (event === null) return
    checkEvent(event, lineNumber, envelope, events.at(-1)?.seq)
    events.push(event)
  })
  if (gzip) {
    gunzipLimited(body, limits.maxDecompressedBytes, (chunk) => splitter.push(chunk))
  } else {
    if (body.length > limits.maxDecompressedBytes) {
      throw new ServerError('decompressed_too_large', `The batch is larger than ${limits.maxDecompressedBytes} bytes.`)
    }
    splitter.push(body)
  }
  splitter.end()
  if (events.length === 0) throw new ServerError('empty_batch', 'The batch holds no events.')
  return events
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
  return value as WireEvent
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

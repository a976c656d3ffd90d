import { Gunzip } from 'fflate'
import type { TapedeckEvent } from '../../events/catalogue'

/**
 * The events of a batch body: gzip of NDJSON, one event a line (docs/protocol.md §2). The body is
 * stored chunks laid end to end, so it is usually several gzip members; fflate's streaming
 * `Gunzip` reads them all (`gunzipSync` stops after the first). Throws on bytes that are not
 * gzip, a line that is not JSON, or a line that is not an event.
 */
export function readBatch(body: Uint8Array): TapedeckEvent[] {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let text = ''
  const gunzip = new Gunzip((chunk) => {
    text += decoder.decode(chunk, { stream: true })
  })
  gunzip.push(body, true)
  text += decoder.decode()

  const events: TapedeckEvent[] = []
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue
    const event: unknown = JSON.parse(line)
    if (!isEvent(event)) throw new TypeError(`Line ${index + 1} of the batch is not a Tapedeck event.`)
    events.push(event)
  }
  return events
}

function isEvent(value: unknown): value is TapedeckEvent {
  if (typeof value !== 'object' || value === null) return false
  const event = value as Record<string, unknown>
  return (
    typeof event.sessionId === 'string' &&
    typeof event.type === 'string' &&
    Number.isInteger(event.seq) &&
    Number.isFinite(event.ts) &&
    typeof event.data === 'object' &&
    event.data !== null &&
    !Array.isArray(event.data)
  )
}

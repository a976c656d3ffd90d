import type { SearchMatchField } from '@tapedeck/core'
import type { WireEvent } from '../store/SessionStore.js'
import { isRecord } from '../summary/isRecord.js'
import { isSealed } from '../summary/sessionSummary.js'

/** One searchable text of an event; `ord` orders several texts of one event. */
export interface SearchText {
  seq: number
  ord: number
  t: number | null
  field: SearchMatchField
  text: string
}

/** At most this much of one text is searched. */
export const MAX_TEXT_CHARS = 100_000
const MAX_DEPTH = 8

/**
 * The texts `q=` searches in an event (docs/server.md, "Text search"): messages, prompts,
 * responses, tool names with arguments or results, transcripts and error messages. Sealed
 * payloads have none. Every store indexes exactly these.
 */
export function searchTexts(event: WireEvent): SearchText[] {
  if (!isRecord(event.data) || isSealed(event.data)) return []
  const data = event.data
  const found: Array<[SearchMatchField, string]> = []
  switch (event.type) {
    case 'message.created':
      found.push(['message', [textOf(data.content), textOf(data.parts)].filter(Boolean).join('\n')])
      break
    case 'provider.call.started':
      found.push(['prompt', textOf(data.messages)])
      break
    case 'provider.call.completed':
      found.push(['response', textOf(data.response)])
      break
    case 'provider.call.failed':
    case 'error.raised':
      found.push(['error', event.type === 'error.raised' ? textOf(data.message) : textOf(isRecord(data.error) ? data.error.message : data.error)])
      break
    case 'tool.call.started':
      found.push(['tool', [textOf(data.name), jsonOf(data.args)].filter(Boolean).join(' ')])
      break
    case 'tool.call.completed':
      found.push(['tool', [textOf(data.name), jsonOf(data.result), textOf(isRecord(data.error) ? data.error.message : data.error)].filter(Boolean).join(' ')])
      break
    case 'transcript.segment':
      found.push(['transcript', textOf(data.text)])
      break
  }
  const t = typeof event.t === 'number' && Number.isFinite(event.t) ? event.t : null
  return found
    .map(([field, text]) => ({ field, text: clean(text) }))
    .filter(({ text }) => /[\p{L}\p{N}]/u.test(text))
    .map(({ field, text }, ord) => ({ seq: event.seq, ord, t, field, text }))
}

/** The readable text in a value: strings, the `text`/`content` of parts and messages, else every string inside. */
function textOf(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return ''
  if (Array.isArray(value)) return value.map((item) => textOf(item, depth + 1)).filter(Boolean).join('\n')
  const record = value as Record<string, unknown>
  if (typeof record.text === 'string' || typeof record.content === 'string' || Array.isArray(record.content) || 'toolCalls' in record || 'tool_calls' in record) {
    return [textOf(record.text, depth + 1), textOf(record.content, depth + 1), toolCallsOf(record)].filter(Boolean).join('\n')
  }
  return Object.values(record).map((item) => textOf(item, depth + 1)).filter(Boolean).join('\n')
}

/** Tool calls inside a response (`toolCalls`, `tool_calls`): their names and arguments. */
function toolCallsOf(record: Record<string, unknown>): string {
  const calls = record.toolCalls ?? record.tool_calls
  return Array.isArray(calls) ? calls.map((call) => (typeof call === 'string' ? call : jsonOf(call))).join('\n') : ''
}

function jsonOf(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return ''
  }
}

/**
 * The text as stored for search: control characters (and NUL, which PostgreSQL text cannot
 * hold) become spaces, lone surrogates U+FFFD, and it is cut at MAX_TEXT_CHARS.
 */
function clean(text: string): string {
  return text
    .slice(0, MAX_TEXT_CHARS)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
}

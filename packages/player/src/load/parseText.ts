import type { Annotation } from '../annotations/Annotation'
import { playerError } from '../playerError'
import { fromPromptKitEvent, isPromptKitLine, promptKitMetadata } from '../recording/promptKitFormat'

export interface ParsedText {
  kind: 'jsonl' | 'promptkit' | 'events'
  events: unknown[]
  /** The session a PromptKit metadata line names. */
  sessionId?: string
  annotations?: Annotation[]
  describe: (index: number) => string
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseLine(line: string, number: number): unknown {
  try {
    return JSON.parse(line)
  } catch (error) {
    throw playerError('invalid_recording', `Line ${number} is not JSON (${(error as Error).message}): expected one event per line (NDJSON) or a PromptKit recording.`, error)
  }
}

/**
 * Reads text in any of the forms a recording travels in: Tapedeck NDJSON (one event a line, as
 * `sessions.export()` and the server give it), a PromptKit JSONL recording (our `toJsonl`), a
 * PromptKit JSON recording (`{ metadata, events }`), or a JSON array of events.
 */
export function parseText(input: string): ParsedText {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const start = text.search(/\S/)
  if (start === -1) throw playerError('invalid_recording', 'The input is empty: nothing to replay.')

  if (text[start] === '[') {
    const value = parseLine(text, 1)
    if (!Array.isArray(value)) throw playerError('invalid_recording', 'Expected a JSON array of events.')
    return { kind: 'events', events: value, describe: (i) => `Event ${i}` }
  }

  const whole = promptKitDocument(text, start)
  if (whole) return whole

  const lines = text.split('\n')
  const events: unknown[] = []
  const lineOf: number[] = []
  let kind: ParsedText['kind'] = 'jsonl'
  let sessionId: string | undefined
  let annotations: Annotation[] | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.length === 0 || (line.length <= 2 && line.trim() === '')) continue
    const value = parseLine(line, i + 1)
    if (isPromptKitLine(value)) {
      kind = 'promptkit'
      if (value.type === 'event') {
        events.push(fromPromptKitEvent((value as unknown as { event: unknown }).event))
        lineOf.push(i + 1)
        continue
      }
      const metadata = promptKitMetadata(value as Record<string, unknown>)
      if (typeof metadata.session_id === 'string') sessionId = metadata.session_id
      const saved = metadata.custom?.tapedeck?.annotations
      if (Array.isArray(saved)) annotations = saved
      continue
    }
    events.push(value)
    lineOf.push(i + 1)
  }
  return { kind, events, sessionId, annotations, describe: (index) => `Line ${lineOf[index] ?? '?'}` }
}

/**
 * A whole PromptKit JSON recording (`SaveTo(…, "json")`: `{ metadata, events }`, usually
 * pretty-printed), recognised when the first line alone is not a JSON value.
 */
function promptKitDocument(text: string, start: number): ParsedText | undefined {
  if (text[start] !== '{') return undefined
  const end = text.indexOf('\n', start)
  const first = end === -1 ? text.slice(start) : text.slice(start, end)
  let value: unknown
  try {
    value = JSON.parse(first)
  } catch {
    try {
      value = JSON.parse(text)
    } catch {
      return undefined // reported line by line
    }
  }
  if (!isObject(value) || !Array.isArray(value.events) || !isObject(value.metadata)) return undefined
  const metadata = promptKitMetadata(value)
  const saved = metadata.custom?.tapedeck?.annotations
  return {
    kind: 'promptkit',
    events: value.events.map(fromPromptKitEvent),
    sessionId: typeof metadata.session_id === 'string' ? metadata.session_id : undefined,
    annotations: Array.isArray(saved) ? saved : undefined,
    describe: (index) => `Event ${index}`,
  }
}

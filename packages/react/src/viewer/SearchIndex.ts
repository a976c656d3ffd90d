import type { TapedeckEvent } from '@tapedeck/core'
import { upperBound } from './upperBound'

export type SearchField = 'message' | 'prompt' | 'response' | 'tool' | 'transcript' | 'error' | 'note'

export interface SearchHit {
  /** Index into the events. */
  index: number
  seq: number
  t: number
  type: string
  field: SearchField
  /** The text around the first match. */
  snippet: string
}

export interface SearchResult {
  query: string
  hits: SearchHit[]
  /** Matches in all, `hits` holds the first `limit`. */
  total: number
}

export interface SearchOptions {
  /** Hits kept. Default 200. */
  limit?: number
  signal?: AbortSignal
  /** Longest stretch of work before yielding to the page, ms. Default 8. */
  sliceMs?: number
}

/** An event's searchable text: its field and its text, or `null` when there is nothing to search. */
export function searchableText(event: TapedeckEvent): { field: SearchField; text: string } | null {
  const data = event.data as Record<string, unknown>
  switch (event.type) {
    case 'message.created':
      return pick('message', data.content, data.parts)
    case 'provider.call.started':
      return pick('prompt', newInput(data.messages))
    case 'provider.call.completed':
      return pick('response', data.response)
    case 'provider.call.failed':
    case 'error.raised':
      return pick('error', data.error, data.message)
    case 'tool.call.started':
      return pick('tool', data.name, data.args)
    case 'tool.call.completed':
      return pick('tool', data.name, data.result, data.error)
    case 'transcript.segment':
      return pick('transcript', data.text)
    case 'annotation.added':
    case 'feedback.submitted':
      return pick('note', data.key, data.value, data.comment)
    default:
      return null
  }
}

/**
 * Full-text search over a recording's prompts, responses, messages, tool calls, transcripts,
 * errors and notes, case-insensitive. On the first search the text of every event is
 * extracted, lower-cased and joined into one string (with the offset where each event's text
 * starts), in slices of `sliceMs` that yield to the page between them; searching is then the
 * engine's `indexOf` over that one string. One string rather than 100,000 small ones: little
 * memory, little for the garbage collector to walk, and a search of 100,000 events in a few
 * milliseconds.
 */
export class SearchIndex {
  #text = ''
  /** For each event that has text: its index in the events, and where its text starts in `text`. */
  #eventOf = new Int32Array(0)
  #startOf = new Int32Array(0)
  #fieldOf: SearchField[] = []
  #building: Promise<void> | undefined

  readonly #events: readonly TapedeckEvent[]

  constructor(events: readonly TapedeckEvent[]) {
    this.#events = events
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    const { limit = 200, signal, sliceMs = 8 } = options
    const needle = query.trim().toLowerCase()
    const hits: SearchHit[] = []
    let total = 0
    if (!needle) return { query, hits, total }
    await (this.#building ??= this.#build(sliceMs))
    checkAborted(signal)
    const text = this.#text
    const eventOf = this.#eventOf
    const startOf = this.#startOf
    let deadline = performance.now() + sliceMs
    let from = 0
    for (let found = 0; ; found++) {
      const at = text.indexOf(needle, from)
      if (at === -1) break
      const entry = upperBound(startOf, at) - 1
      total++
      if (hits.length < limit) {
        const index = eventOf[entry]!
        const event = this.#events[index]!
        const original = searchableText(event)!.text
        hits.push({ index, seq: event.seq, t: event.t, type: event.type, field: this.#fieldOf[entry]!, snippet: snippet(original, at - startOf[entry]!, needle.length) })
      }
      // Each event counts once: go on from the next one's text.
      from = startOf[entry + 1] ?? text.length
      if ((found & 1023) === 1023 && performance.now() > deadline) {
        await yieldToPage()
        checkAborted(signal)
        deadline = performance.now() + sliceMs
      }
    }
    return { query, hits, total }
  }

  async #build(sliceMs: number): Promise<void> {
    const pieces: string[] = []
    const eventOf: number[] = []
    const startOf: number[] = []
    let length = 0
    let deadline = performance.now() + sliceMs
    for (let index = 0; index < this.#events.length; index++) {
      if ((index & 255) === 0 && performance.now() > deadline) {
        await yieldToPage()
        deadline = performance.now() + sliceMs
      }
      const found = searchableText(this.#events[index]!)
      if (!found) continue
      eventOf.push(index)
      startOf.push(length)
      this.#fieldOf.push(found.field)
      // A separator no query contains, so a match never spans two events.
      const piece = `${found.text.toLowerCase()}\u0000`
      pieces.push(piece)
      length += piece.length
    }
    startOf.push(length)
    this.#text = pieces.join('')
    this.#eventOf = Int32Array.from(eventOf)
    this.#startOf = Int32Array.from(startOf)
  }
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The search was cancelled.', 'AbortError')
}


/** The messages a call added to the conversation: those after the last assistant message (a prompt repeats all the earlier ones). */
function newInput(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages
  let from = 0
  for (let i = messages.length - 1; i >= 0; i--) {
    if ((messages[i] as { role?: unknown } | null)?.role === 'assistant') {
      from = i + 1
      break
    }
  }
  // System prompts are searchable too, once per call.
  const system = messages.filter((m, i) => i < from && (m as { role?: unknown } | null)?.role === 'system')
  return [...system, ...messages.slice(from)]
}

function pick(field: SearchField, ...values: unknown[]): { field: SearchField; text: string } | null {
  const text = values
    .filter((value) => value !== undefined && value !== null)
    .map(flatten)
    .filter(Boolean)
    .join(' ')
  return text ? { field, text } : null
}

/** Text of a value: strings as they are, the strings inside objects and arrays joined by spaces. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.map(flatten).filter(Boolean).join(' ')
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([key]) => key !== 'role')
      .map(([, v]) => flatten(v))
      .filter(Boolean)
      .join(' ')
  }
  return ''
}

function snippet(text: string, at: number, length: number): string {
  const from = Math.max(0, at - 40)
  const to = Math.min(text.length, at + length + 60)
  return `${from > 0 ? '…' : ''}${text.slice(from, to).replace(/\s+/g, ' ')}${to < text.length ? '…' : ''}`
}

function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler
  if (typeof scheduler?.yield === 'function') return scheduler.yield()
  return new Promise((resolve) => setTimeout(resolve, 0))
}

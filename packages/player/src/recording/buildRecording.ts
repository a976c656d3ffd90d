import { skippedRange, type SessionEndedData, type SessionStartedData, type TapedeckEvent } from '@tapedeck/core'
import type { Annotation } from '../annotations/Annotation'
import { playerError } from '../playerError'
import { createBlobs, type PartGetter } from './createBlobs'
import type { BlobPartInfo, Recording, RecordingSourceKind, SeqRange } from './Recording'

export interface RecordingParts {
  source: RecordingSourceKind
  /** Parsed events, not yet checked. */
  events: readonly unknown[]
  /** Keep only this session's events; required when the input holds several. */
  sessionId?: string
  /** Parts the source lists itself (a recorder's blob store, a zip's metadata); audio events add theirs. */
  parts?: readonly BlobPartInfo[]
  getPart?: PartGetter
  annotations?: readonly Annotation[]
  /** Where the events came from, for error messages ("line 12"). */
  describe?: (index: number) => string
}

/**
 * Checks the envelope fields a player relies on (the event object itself is kept as it is);
 * returns an error message, or undefined. No closure per event: a million events are checked
 * in one tight loop.
 */
function checkEvent(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an event object'
  const event = value as Record<string, unknown>
  const seq = event.seq
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) return '"seq" must be a non-negative integer'
  const type = event.type
  if (typeof type !== 'string' || type === '') return '"type" must be a non-empty string'
  const t = event.t
  if (typeof t !== 'number' || !Number.isFinite(t)) return '"t" must be a number (ms since the session started)'
  const data = event.data
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return '"data" must be an object'
  const sessionId = event.sessionId
  if (typeof sessionId !== 'string' || sessionId === '') return '"sessionId" must be a non-empty string'
  return undefined
}

/**
 * Missing seqs between 0 and `last`, in a seq-sorted, duplicate-free list: seqs neither held nor
 * explained by a `seq.skipped` marker (docs/protocol.md §1: a recorder's unused seq lease is no loss).
 */
function findGaps(events: readonly TapedeckEvent[], last: number): SeqRange[] {
  const explained: SeqRange[] = []
  for (const event of events) {
    const range = event.type === 'seq.skipped' ? skippedRange(event) : null
    if (range) explained.push(range)
  }
  explained.sort((a, b) => a.from - b.from)
  const gaps: SeqRange[] = []
  const missing = (from: number, to: number) => {
    for (const range of explained) {
      if (range.to < from || range.from > to) continue
      if (range.from > from) gaps.push({ from, to: range.from - 1 })
      from = Math.max(from, range.to + 1)
    }
    if (from <= to) gaps.push({ from, to })
  }
  let expected = 0
  for (const event of events) {
    if (event.seq > last) break
    if (event.seq > expected) missing(expected, event.seq - 1)
    expected = event.seq + 1
  }
  if (expected <= last) missing(expected, last)
  return gaps
}

function audioParts(events: readonly TapedeckEvent[]): BlobPartInfo[] {
  const parts: BlobPartInfo[] = []
  for (const event of events) {
    if (event.type !== 'audio.input' && event.type !== 'audio.output') continue
    const data = event.data as Record<string, unknown>
    if (typeof data.blobId !== 'string' || typeof data.part !== 'number') continue
    const part: BlobPartInfo = {
      blobId: data.blobId,
      part: data.part,
      mimeType: typeof data.mimeType === 'string' ? data.mimeType : 'application/octet-stream',
      track: event.type === 'audio.input' ? 'input' : 'output',
    }
    if (typeof data.startT === 'number') part.startT = data.startT
    if (typeof data.durationMs === 'number') part.durationMs = data.durationMs
    if (typeof data.bytes === 'number') part.bytes = data.bytes
    parts.push(part)
  }
  return parts
}

/** Turns parsed events into a `Recording`: one session, seq order, duplicates dropped, gaps found. */
export function buildRecording(input: RecordingParts): Recording {
  const where = input.describe ?? ((index: number) => `Event ${index}`)
  const raw = input.events
  const wanted = input.sessionId
  let sessionId = wanted
  let events: TapedeckEvent[] = []
  // One pass: check, keep the wanted session, notice whether seqs already increase.
  let sorted = true
  let previous = -1
  for (let i = 0; i < raw.length; i++) {
    const value = raw[i]
    const problem = checkEvent(value)
    if (problem !== undefined) throw playerError('invalid_recording', `${where(i)}: ${problem}.`)
    const event = value as TapedeckEvent
    if (sessionId === undefined) sessionId = event.sessionId
    else if (event.sessionId !== sessionId) {
      if (wanted !== undefined) continue
      throw playerError('invalid_recording', `The input holds several sessions (${sessionId}, ${event.sessionId}, …): pass { sessionId } to choose one.`)
    }
    if (event.seq <= previous) sorted = false
    previous = event.seq
    events.push(event)
  }
  if (sessionId === undefined) throw playerError('invalid_recording', 'The input holds no events: nothing to replay.')

  let duplicates = 0
  if (!sorted) {
    events.sort((a, b) => a.seq - b.seq) // stable: the first copy of a repeated seq stays first
    const unique: TapedeckEvent[] = []
    for (const event of events) {
      if (unique.length > 0 && unique[unique.length - 1]!.seq === event.seq) duplicates++
      else unique.push(event)
    }
    events = unique
  }

  const started = events[0]?.seq === 0 && events[0].type === 'session.started' ? events[0] : undefined
  const ended = events.findLast((event) => event.type === 'session.ended') as TapedeckEvent<'session.ended'> | undefined
  const endedLastSeq = ended && typeof (ended.data as SessionEndedData).lastSeq === 'number' ? (ended.data as SessionEndedData).lastSeq : undefined
  const maxSeq = events.length > 0 ? events[events.length - 1]!.seq : -1
  const lastSeq = Math.max(endedLastSeq ?? -1, maxSeq)
  const gaps = findGaps(events, lastSeq)

  const parts = new Map<string, BlobPartInfo>()
  for (const part of input.parts ?? []) parts.set(`${part.blobId}\u0000${part.part}`, { ...part })
  for (const part of audioParts(events)) {
    const key = `${part.blobId}\u0000${part.part}`
    // The source's own record wins; the event fills in what it lacks, and names the type of a
    // part the source only knows as bytes (a sealed part is stored as application/octet-stream).
    const own = parts.get(key)
    parts.set(key, { ...part, ...own, ...(own?.mimeType === 'application/octet-stream' && { mimeType: part.mimeType }) })
  }

  return {
    sessionId,
    metadata: (started?.data as SessionStartedData | undefined) ?? {},
    startedAt: started?.ts ?? events[0]?.ts ?? null,
    events,
    gaps,
    complete: ended !== undefined && gaps.length === 0,
    duplicates,
    blobs: createBlobs([...parts.values()], input.getPart),
    annotations: input.annotations ?? [],
    source: input.source,
  }
}

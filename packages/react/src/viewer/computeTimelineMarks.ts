import type { TapedeckEvent } from '@tapedeck/core'
import type { Annotation } from '@tapedeck/player'

export type MarkKind = 'checkpoint' | 'annotation' | 'error' | 'message' | 'tool' | 'action'

/** One mark on the timeline; marks of one kind that would overlap are merged (`count`). */
export interface TimelineMark {
  kind: MarkKind
  /** Session time, ms. */
  t: number
  /** End of a time-range annotation (`{ fromT, toT }`). */
  toT?: number
  /** Seq of the (first) event, when the mark is an event. */
  seq?: number
  label: string
  /** Marks merged into this one (1: just this one). */
  count: number
}

export interface TimelineMarks {
  marks: TimelineMark[]
  /** Times of every checkpoint, ascending, unmerged: for "previous / next checkpoint". */
  checkpoints: number[]
}

const ERROR_TYPES = new Set(['error.raised', 'provider.call.failed', 'recorder.dropped'])

/**
 * The event marks of a timeline, computed once per recording: checkpoints (`checkpoint: true`,
 * every `snapshot.created`) and errors (`error.raised`, failed calls and tools,
 * `recorder.dropped`). However long the session, at most `buckets` marks of each kind: marks
 * closer than `duration / buckets` merge into one that counts them.
 */
export function computeTimelineMarks(events: readonly TapedeckEvent[], duration: number, buckets = 800): TimelineMarks {
  const add = merger(duration, buckets)
  const checkpoints: number[] = []
  for (const event of events) {
    if (event.checkpoint) {
      checkpoints.push(event.t)
      add({ kind: 'checkpoint', t: event.t, seq: event.seq, label: checkpointLabel(event) })
    }
    if (ERROR_TYPES.has(event.type) || (event.type === 'tool.call.completed' && (event.data as { error?: unknown }).error !== undefined)) {
      add({ kind: 'error', t: event.t, seq: event.seq, label: errorLabel(event) })
    }
  }
  checkpoints.sort((a, b) => a - b)
  return { marks: add.marks, checkpoints }
}

/**
 * What happened, for a timeline that shows it all: messages, tool calls and user actions, one
 * lane each (computed once per recording; merged like the others, at most `buckets` per kind).
 */
export function computeActivityMarks(events: readonly TapedeckEvent[], duration: number, buckets = 800): TimelineMark[] {
  const add = merger(duration, buckets)
  for (const event of events) {
    const data = event.data as { role?: unknown; name?: unknown; kind?: unknown; action?: unknown; target?: unknown }
    if (event.type === 'message.created') add({ kind: 'message', t: event.t, seq: event.seq, label: `${String(data.role ?? 'message')} message` })
    else if (event.type === 'tool.call.started') add({ kind: 'tool', t: event.t, seq: event.seq, label: `tool ${String(data.name ?? '')}` })
    else if (event.type === 'user.action') add({ kind: 'action', t: event.t, seq: event.seq, label: `user ${String(data.kind ?? data.action ?? 'action')}` })
  }
  return add.marks
}

/**
 * The annotation marks, recorded and external; cheap, so they are computed again when one is
 * added. `session` annotations belong to no moment and are left out; `{ eventId }` ones are at
 * that event's time (`timeOf`), `{ fromT, toT }` ones span their range.
 */
export function computeAnnotationMarks(
  annotations: readonly Annotation[],
  duration: number,
  timeOf: (eventId: string) => number | undefined,
  buckets = 800,
): TimelineMark[] {
  const add = merger(duration, buckets)
  for (const annotation of annotations) {
    const { target } = annotation
    if (target === 'session') continue
    const label = `${annotation.key}: ${short(annotation.value)}`
    if ('fromT' in target) {
      add({ kind: 'annotation', t: target.fromT, toT: target.toT, label })
      continue
    }
    const t = annotation.t ?? timeOf(target.eventId)
    if (t !== undefined) add({ kind: 'annotation', t, label, ...(annotation.seq !== undefined && { seq: annotation.seq }) })
  }
  return add.marks
}

function merger(duration: number, buckets: number) {
  const span = duration > 0 ? duration / buckets : 1
  const merged = new Map<string, TimelineMark>()
  const marks: TimelineMark[] = []
  const add = (mark: Omit<TimelineMark, 'count'>) => {
    const key = `${mark.kind}:${Math.floor(mark.t / span)}`
    const existing = merged.get(key)
    if (existing) {
      existing.count++
      return
    }
    const created: TimelineMark = { ...mark, count: 1 }
    merged.set(key, created)
    marks.push(created)
  }
  return Object.assign(add, { marks })
}

function checkpointLabel(event: TapedeckEvent): string {
  const description = (event.data as { description?: unknown }).description
  return typeof description === 'string' && description ? description : event.type
}

function errorLabel(event: TapedeckEvent): string {
  const data = event.data as { message?: unknown; error?: unknown; count?: unknown; name?: unknown }
  if (event.type === 'recorder.dropped') return `${String(data.count ?? '?')} events dropped`
  const error = data.error
  const message = typeof data.message === 'string' ? data.message : typeof error === 'string' ? error : (error as { message?: unknown } | undefined)?.message
  const what = event.type === 'tool.call.completed' ? `tool ${String(data.name)} failed` : event.type
  return typeof message === 'string' ? `${what}: ${message}` : what
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? ''
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

import { createId, type AnnotationAddedData, type TapedeckEvent } from '@tapedeck/core'
import { playerError } from '../playerError'
import type { Recording } from '../recording/Recording'
import type { Annotation, AnnotationInput } from './Annotation'

const KINDS = new Set(['score', 'label', 'comment'])

function checkTarget(target: unknown): target is Annotation['target'] {
  if (target === 'session') return true
  if (typeof target !== 'object' || target === null) return false
  const t = target as Record<string, unknown>
  if (typeof t.eventId === 'string') return true
  return typeof t.fromT === 'number' && typeof t.toT === 'number' && Number.isFinite(t.fromT) && Number.isFinite(t.toT) && t.fromT <= t.toT
}

/**
 * Adds an annotation to a recording, out of band: it goes into `recording.annotations` (a new
 * array, so whoever holds the old one sees a change), never into the session's events; exports
 * carry it. Throws `invalid_event_data` for a kind, key or target that cannot be used.
 */
export function annotate(recording: Recording, input: AnnotationInput): Annotation {
  if (!KINDS.has(input.kind)) throw playerError('invalid_event_data', `Annotation kind must be "score", "label" or "comment", not ${JSON.stringify(input.kind)}.`)
  if (typeof input.key !== 'string' || input.key === '') throw playerError('invalid_event_data', 'An annotation needs a non-empty key.')
  if (!checkTarget(input.target)) {
    throw playerError('invalid_event_data', 'An annotation target is "session", { eventId } or { fromT, toT } with fromT <= toT.')
  }
  if (input.kind === 'score' && (typeof input.value !== 'number' || !Number.isFinite(input.value))) {
    throw playerError('invalid_event_data', 'A score annotation needs a finite number as its value.')
  }
  let value: unknown
  try {
    value = input.value === undefined ? null : JSON.parse(JSON.stringify(input.value))
  } catch (error) {
    throw playerError('not_serializable', 'An annotation value must be JSON (it is exported).', error)
  }
  const annotation: Annotation = {
    annotationId: input.annotationId ?? createId('a_'),
    kind: input.kind,
    key: input.key,
    value,
    target: typeof input.target === 'string' ? input.target : { ...input.target },
    origin: 'external',
    createdAt: Date.now(),
  }
  if (input.author !== undefined) annotation.author = input.author
  recording.annotations = [...recording.annotations, annotation]
  return annotation
}

/** Removes an external annotation by id; returns whether there was one. */
export function removeAnnotation(recording: Recording, annotationId: string): boolean {
  const kept = recording.annotations.filter((annotation) => annotation.annotationId !== annotationId)
  if (kept.length === recording.annotations.length) return false
  recording.annotations = kept
  return true
}

const recordedCache = new WeakMap<readonly TapedeckEvent[], Annotation[]>()

/** The `annotation.added` events of a recording, as annotations (computed once per events array). */
export function recordedAnnotations(events: readonly TapedeckEvent[]): Annotation[] {
  let list = recordedCache.get(events)
  if (list) return list
  list = []
  for (const event of events) {
    if (event.type !== 'annotation.added') continue
    const data = event.data as AnnotationAddedData
    if (typeof data.key !== 'string' || !checkTarget(data.target)) continue
    list.push({
      annotationId: typeof data.annotationId === 'string' ? data.annotationId : `${event.sessionId}:${event.seq}`,
      kind: data.kind,
      key: data.key,
      value: data.value,
      target: data.target,
      origin: 'recorded',
      createdAt: event.ts,
      seq: event.seq,
      t: event.t,
    })
  }
  recordedCache.set(events, list)
  return list
}

/** Recorded annotations (in seq order), then external ones (in the order they were added). */
export function allAnnotations(recording: Recording): Annotation[] {
  return [...recordedAnnotations(recording.events), ...recording.annotations]
}

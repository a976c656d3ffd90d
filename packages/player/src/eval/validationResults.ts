import type { TapedeckEvent, ValidationResultData } from '@tapedeck/core'
import type { Annotation } from '../annotations/Annotation'
import { playerError } from '../playerError'
import type { Recording } from '../recording/Recording'
import type { CheckResult } from './Check'

/** The key of the annotations `evaluate` writes: a label whose value is a `validation.result` payload. */
export const VALIDATION_KEY = 'validation.result'

/** A `validation.result` payload as `evaluate` writes it: the catalogue's fields plus the events it points at. */
export interface ValidationValue extends ValidationResultData {
  score: number
  eventIds: string[]
}

/** One check's latest verdict on a recording, wherever it was kept. */
export interface ValidationRecord extends ValidationValue {
  /** `recorded`: a `validation.result` event of the session; `annotation`: written afterwards (by `evaluate`). */
  origin: 'recorded' | 'annotation'
  annotationId?: string
  seq?: number
}

/** The annotation id of a check's verdict: evaluating again replaces the previous one. */
export function validationAnnotationId(name: string): string {
  return `validation:${name}`
}

function valueOf(result: CheckResult): ValidationValue {
  const value: ValidationValue = { name: result.name, passed: result.passed, score: result.score, eventIds: result.eventIds }
  if (result.details !== undefined) value.details = result.details
  if (result.errored) value.errored = true
  return value
}

/**
 * Writes results as external annotations of the recording (kind `label`, key
 * `validation.result`, the payload as value), replacing each check's previous verdict; one new
 * annotations array for all of them. A target is the first event the result points at, so a
 * viewer marks it on the timeline; else the session. Throws `not_serializable` when a result's
 * details are not JSON (nothing is written then).
 */
export function writeValidationResults(recording: Recording, results: readonly CheckResult[], author: string): Annotation[] {
  let values: ValidationValue[]
  try {
    values = JSON.parse(JSON.stringify(results.map(valueOf))) as ValidationValue[]
  } catch (error) {
    throw playerError('not_serializable', 'A check result\'s details must be JSON (they are exported).', error)
  }
  const createdAt = Date.now()
  const written = values.map((value): Annotation => {
    const first = value.eventIds[0]
    return { annotationId: validationAnnotationId(value.name), kind: 'label', key: VALIDATION_KEY, value, target: first !== undefined ? { eventId: first } : 'session', origin: 'external', createdAt, author }
  })
  const replaced = new Set(written.map((annotation) => annotation.annotationId))
  recording.annotations = [...recording.annotations.filter((annotation) => !replaced.has(annotation.annotationId)), ...written]
  return written
}

/** A `validation.result` payload read leniently (score from `passed` when missing), or `undefined` when it is not one. */
export function validationValue(data: unknown): ValidationValue | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const d = data as Record<string, unknown>
  if (typeof d.name !== 'string' || typeof d.passed !== 'boolean') return undefined
  const score = typeof d.score === 'number' && Number.isFinite(d.score) ? d.score : d.passed ? 1 : 0
  const eventIds = Array.isArray(d.eventIds) ? d.eventIds.filter((id): id is string => typeof id === 'string') : []
  return { ...d, name: d.name, passed: d.passed, score, eventIds }
}

/**
 * The latest verdict per check: `validation.result` events recorded in the session, then the
 * annotations `evaluate` wrote (which win over a recorded one of the same name). In name order.
 */
export function validationResults(recording: Recording | readonly TapedeckEvent[]): ValidationRecord[] {
  const events = Array.isArray(recording) ? (recording as readonly TapedeckEvent[]) : (recording as Recording).events
  const latest = new Map<string, ValidationRecord>()
  for (const event of events) {
    if (event.type !== 'validation.result') continue
    const value = validationValue(event.data)
    if (value) latest.set(value.name, { ...value, origin: 'recorded', seq: event.seq })
  }
  if (!Array.isArray(recording)) {
    for (const annotation of (recording as Recording).annotations) {
      if (annotation.key !== VALIDATION_KEY) continue
      const value = validationValue(annotation.value)
      if (value) latest.set(value.name, { ...value, origin: 'annotation', annotationId: annotation.annotationId })
    }
  }
  return [...latest.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

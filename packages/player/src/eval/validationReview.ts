import type { ReviewAnnotation, ReviewAnnotationInput, TapedeckEvent } from '@tapedeck/core'
import { VALIDATION_KEY, validationValue, type ValidationValue } from './validationResults'

/** A verdict on a server is a review annotation of kind `comment` whose text starts with this. */
export const VALIDATION_PREFIX = `${VALIDATION_KEY} `
/** The server's limit on a comment's text (docs/server.md, "Review annotations"). */
const MAX_TEXT = 10_000

/**
 * A check's verdict as a review annotation of the server (docs/evaluations.md, "Results on a
 * server"): kind `comment`, text `validation.result {json}` (the payload; details cut to their
 * plain figures when the whole would pass the server's 10,000 characters), range the seq of
 * the first event it points at (so a timeline marks it), else the whole session.
 */
export function toValidationReview(value: ValidationValue, events: readonly TapedeckEvent[], author: string): ReviewAnnotationInput {
  const first = value.eventIds[0] === undefined ? undefined : events.find((event) => event.id === value.eventIds[0])
  return {
    kind: 'comment',
    text: VALIDATION_PREFIX + fitted(value),
    range: first ? { fromSeq: first.seq, toSeq: first.seq } : null,
    author,
  }
}

function fitted(value: ValidationValue): string {
  let text = JSON.stringify(value)
  if (VALIDATION_PREFIX.length + text.length <= MAX_TEXT) return text
  const details = value.details as Record<string, unknown> | undefined
  const plain = Object.fromEntries(
    Object.entries(details && typeof details === 'object' ? details : {}).filter(([, v]) => v === null || (['number', 'boolean'].includes(typeof v)) || (typeof v === 'string' && v.length <= 500)),
  )
  text = JSON.stringify({ ...value, details: { ...plain, truncated: true }, eventIds: value.eventIds.slice(0, 100) })
  if (VALIDATION_PREFIX.length + text.length <= MAX_TEXT) return text
  return JSON.stringify({ ...value, details: { truncated: true }, eventIds: value.eventIds.slice(0, 100) })
}

/** The verdict a review annotation holds, or `undefined` when it is not one. */
export function fromValidationReview(review: Pick<ReviewAnnotation, 'kind' | 'text'>): ValidationValue | undefined {
  if (review.kind !== 'comment' || !review.text.startsWith(VALIDATION_PREFIX)) return undefined
  let value: unknown
  try {
    value = JSON.parse(review.text.slice(VALIDATION_PREFIX.length))
  } catch {
    return undefined
  }
  return validationValue(value)
}

import type { AnnotationTarget, ReviewAnnotation } from '@tapedeck/core'
import { fromValidationReview } from '../eval/validationReview'
import { validationAnnotationId, VALIDATION_KEY } from '../eval/validationResults'
import type { Annotation } from './Annotation'

/**
 * A reviewer's annotation from the server (`GET /v1/sessions/{id}/annotations`, or
 * review-annotations.json in its zip export) as the player shows annotations: kind `flag`
 * becomes a label with key `flag`; a seq range becomes the `t` span of those events (the whole
 * session when they are missing). The server's own record stays in `review`. A check's verdict
 * stored by `postResults` comes back as `evaluate` wrote it: a `validation.result` label.
 */
export function fromReviewAnnotation(review: ReviewAnnotation, events: readonly unknown[]): Annotation {
  const verdict = fromValidationReview(review)
  if (verdict) {
    const first = verdict.eventIds[0]
    const target: AnnotationTarget = first !== undefined && events.some((event) => (event as { id?: unknown } | null)?.id === first) ? { eventId: first } : targetOf(review, events)
    return { annotationId: validationAnnotationId(verdict.name), kind: 'label', key: VALIDATION_KEY, value: verdict, target, origin: 'external', createdAt: review.updatedAt, author: review.author, review }
  }
  const annotation: Annotation = {
    annotationId: review.id,
    kind: review.kind === 'flag' ? 'label' : review.kind,
    key: review.kind,
    value: review.kind === 'score' ? review.score : review.text,
    target: targetOf(review, events),
    origin: 'external',
    createdAt: review.createdAt,
    author: review.author,
    review,
  }
  return annotation
}

function targetOf({ range }: ReviewAnnotation, events: readonly unknown[]): AnnotationTarget {
  if (range === null) return 'session'
  if ('fromT' in range) return { fromT: range.fromT, toT: range.toT }
  const fromT = tOf(events, range.fromSeq)
  const toT = tOf(events, range.toSeq)
  return fromT !== undefined && toT !== undefined ? { fromT, toT } : 'session'
}

function tOf(events: readonly unknown[], seq: number): number | undefined {
  const found = events.find((event) => (event as { seq?: unknown } | null)?.seq === seq) as { t?: unknown } | undefined
  return typeof found?.t === 'number' ? found.t : undefined
}

/** The review annotations in a parsed JSON value; entries that are not one are left out. */
export function reviewAnnotationsIn(value: unknown): ReviewAnnotation[] {
  if (!Array.isArray(value)) return []
  return value.filter(
    (item): item is ReviewAnnotation =>
      typeof item === 'object' && item !== null && typeof item.id === 'string' && typeof item.kind === 'string' && typeof item.createdAt === 'number',
  )
}

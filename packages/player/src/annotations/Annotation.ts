import type { AnnotationAddedData, AnnotationTarget, ReviewAnnotation } from '@tapedeck/core'

export type AnnotationKind = AnnotationAddedData['kind']

/** What `annotate()` takes. */
export interface AnnotationInput {
  /** Default: a new random id. */
  annotationId?: string
  kind: AnnotationKind
  key: string
  value: unknown
  target: AnnotationTarget
  /** Who wrote it (a reviewer's name, a tool). */
  author?: string
}

/**
 * A score, label or comment about a recording: either recorded in the session
 * (`annotation.added`, `origin: 'recorded'`) or added afterwards (`origin: 'external'`).
 *
 * When one is active at a playhead depends on its target only: `session` always; `{ eventId }`
 * from that event's `t` on; `{ fromT, toT }` while `fromT <= position <= toT`.
 */
export interface Annotation {
  annotationId: string
  kind: AnnotationKind
  key: string
  value: unknown
  target: AnnotationTarget
  origin: 'recorded' | 'external'
  /** Epoch ms it was made (external ones) or recorded. */
  createdAt?: number
  author?: string
  /** For recorded ones: the `annotation.added` event's seq and `t`. */
  seq?: number
  t?: number
  /** For a reviewer's annotation from a server's review API: the server's record (kind `flag`, seq ranges, updatedAt). */
  review?: ReviewAnnotation
}

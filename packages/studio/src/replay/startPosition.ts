import type { TapedeckEvent } from '@tapedeck/core'
import { firstMomentOf } from '@tapedeck/react/viewer'
import { annotationTime } from '../api/annotationTime'
import type { ReviewAnnotation } from '../api/types'

/**
 * Where the replay opens, ms: the annotation named in the URL (`?annotation=`), else the search
 * hit (`?hit=<seq>`), else a time (`?t=<ms>`), else the first message — never 0:00 on an empty
 * conversation.
 */
export function startPosition(params: URLSearchParams, events: readonly TapedeckEvent[], annotations: readonly ReviewAnnotation[]): number {
  const annotationId = params.get('annotation')
  if (annotationId) {
    const annotation = annotations.find((a) => a.id === annotationId)
    const t = annotation && annotationTime(annotation, events)
    if (t !== undefined) return t
  }
  const hit = Number(params.get('hit') ?? Number.NaN)
  if (Number.isInteger(hit)) {
    const event = events.find((e) => e.seq === hit)
    if (event) return event.t
  }
  const t = Number(params.get('t') ?? Number.NaN)
  if (Number.isFinite(t) && t >= 0) return t
  return firstMomentOf(events)
}

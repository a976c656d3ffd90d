import type { TapedeckEvent } from '@tapedeck/core'
import type { ReviewAnnotation } from './types'

/** Where an annotation starts on the session's time, ms; undefined for one about the whole session. */
export function annotationTime(annotation: ReviewAnnotation, events: readonly TapedeckEvent[]): number | undefined {
  const range = annotation.range
  if (!range) return undefined
  if ('fromT' in range) return range.fromT
  return events.find((event) => event.seq >= range.fromSeq)?.t
}

/** Where it ends, ms, when it spans a time. */
export function annotationEnd(annotation: ReviewAnnotation): number | undefined {
  return annotation.range && 'toT' in annotation.range && annotation.range.toT > annotation.range.fromT ? annotation.range.toT : undefined
}

/** How an annotation reads in a list: `Score 4 / 5`, `Flagged: reason`, `Label: refund`, the comment's text. */
export function describeAnnotation(annotation: ReviewAnnotation): string {
  switch (annotation.kind) {
    case 'score':
      return `Score ${String(annotation.score)} / 5${annotation.text ? `: ${annotation.text}` : ''}`
    case 'flag':
      return annotation.text ? `Flagged: ${annotation.text}` : 'Flagged'
    case 'label':
      return `Label: ${annotation.text}`
    default:
      return annotation.text
  }
}

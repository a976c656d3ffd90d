import type { TranscriptSegmentData } from '@tapedeck/core'
import type { Check } from '../Check'

export interface ConfidenceFloor {
  /** The lowest confidence accepted (0–1). */
  min: number
  /** `every` final segment (default), or their `mean`. */
  at?: 'every' | 'mean'
  /** Only this speaker's segments (`user`, `assistant`…). */
  speaker?: string
  name?: string
}

/**
 * A transcript confidence floor over the final `transcript.segment`s that carry a confidence. A
 * session without any passes (details say so). Points at the segments below the floor.
 */
export function transcriptConfidence(floor: ConfidenceFloor): Check {
  const at = floor.at ?? 'every'
  return {
    name: floor.name ?? 'transcript-confidence',
    run({ events }) {
      const segments = events.filter((event) => {
        if (event.type !== 'transcript.segment') return false
        const data = event.data as TranscriptSegmentData
        return data.final === true && typeof data.confidence === 'number' && (floor.speaker === undefined || data.speaker === floor.speaker)
      })
      const confidences = segments.map((event) => (event.data as TranscriptSegmentData).confidence!)
      const low = segments.filter((_, i) => confidences[i]! < floor.min)
      const mean = confidences.length ? confidences.reduce((sum, value) => sum + value, 0) / confidences.length : null
      const passed = at === 'mean' ? mean === null || mean >= floor.min : low.length === 0
      return {
        passed,
        score: mean ?? 1,
        details: { at, min: floor.min, segments: segments.length, below: low.length, mean, lowest: confidences.length ? Math.min(...confidences) : null },
        eventIds: low.map((event) => event.id),
      }
    },
  }
}

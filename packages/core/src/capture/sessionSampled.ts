import type { CaptureOptions } from './captureOptions'
import { withMember } from '../util/withMember'

/**
 * Whether a session is in the sample: a hash of its id, not a coin toss, so every tab and every
 * reload that continues the session decides the same (docs/capture.md, "Sampling").
 *
 * FNV-1a at 32 bits over the id's UTF-16 code units, then murmur3's finaliser so that ids that
 * differ only in their last character spread over the whole range; divided by 2^32.
 */
export function sessionSampled(sessionId: string, rate: number): boolean {
  // The place is in [0, 1): every session at a rate of 1 or more, none at 0 or less.
  return sessionPoint(sessionId) < rate
}

/** The session's place in [0, 1). */
export function sessionPoint(sessionId: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < sessionId.length; i++) hash = Math.imul(hash ^ sessionId.charCodeAt(i), 0x01000193)
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return (hash >>> 0) / 0x1_0000_0000
}

/**
 * A session's `session.started` under the sampling options it is recorded with: whether the
 * session is in the sample (every session without `sampleRate`), and its data, which says in
 * `sampling` how it is sampled when one of them is set. The capture gate passes all three; the
 * loader's fallback (no capture code) only the rate, the one it applies.
 */
export function startedSampling(sessionId: string, data: string, { sampleRate, mode, sample }: Pick<CaptureOptions, 'sampleRate' | 'mode' | 'sample'>): { sampled: boolean; data: string } {
  return {
    sampled: sampleRate === undefined || sessionSampled(sessionId, sampleRate),
    // The options not set are left out: JSON has no `undefined`.
    data: sampleRate === undefined && !mode && !sample ? data : withMember(data, 'sampling', { rate: sampleRate, mode, types: sample }),
  }
}

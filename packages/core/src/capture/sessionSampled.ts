/**
 * Whether a session is in the sample: a hash of its id, not a coin toss, so every tab and every
 * reload that continues the session decides the same (docs/capture.md, "Sampling").
 *
 * FNV-1a at 32 bits over the id's UTF-16 code units, then murmur3's finaliser so that ids that
 * differ only in their last character spread over the whole range; divided by 2^32.
 */
export function sessionSampled(sessionId: string, rate: number): boolean {
  if (rate >= 1) return true
  if (rate <= 0) return false
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

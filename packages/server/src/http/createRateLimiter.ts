import { ServerError } from '../ServerError.js'

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  perSecond: number
  burst: number
}

export interface RateLimiter {
  /** Takes a token from the bucket: 0 when there was one, else the whole seconds until there is. */
  take(bucket: string): number
}

/**
 * One token bucket per caller. Buckets are only made for callers that passed authorisation
 * (one per configured key), so their number is bounded by the configuration.
 */
export function createRateLimiter(limit: RateLimit, now: () => number): RateLimiter {
  if (!(Number.isFinite(limit.perSecond) && limit.perSecond > 0 && Number.isFinite(limit.burst) && limit.burst >= 1)) {
    throw new ServerError('invalid_options', 'A rate limit needs perSecond > 0 and burst >= 1.')
  }
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    take(id) {
      const time = now()
      const bucket = buckets.get(id) ?? { tokens: limit.burst, at: time }
      // A clock that goes back refills nothing rather than going negative.
      bucket.tokens = Math.min(limit.burst, bucket.tokens + (Math.max(0, time - bucket.at) / 1000) * limit.perSecond)
      bucket.at = time
      buckets.set(id, bucket)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return 0
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond))
    },
  }
}

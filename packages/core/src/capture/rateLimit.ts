/**
 * At most `perMinute` a minute (a window that starts with the first one). `take()` answers `false`
 * past the bound, counting what it refused, and otherwise how many it refused since the last one
 * it let through — for the event that goes out to say so (`suppressed`).
 */
export function rateLimit(perMinute: number, now: () => number = Date.now): { take(): number | false } {
  let windowStart = -Infinity
  let used = 0
  let refused = 0
  return {
    take() {
      const time = now()
      if (time - windowStart >= 60_000) {
        windowStart = time
        used = 0
      }
      if (used >= perMinute) {
        refused++
        return false
      }
      used++
      const suppressed = refused
      refused = 0
      return suppressed
    },
  }
}

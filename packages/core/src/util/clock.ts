/**
 * Time, behind one small interface so tests can drive it. `now()` is high-resolution epoch
 * milliseconds that never goes back within a page; `wallNow()` is the wall clock.
 */
export interface Clock {
  now(): number
  wallNow(): number
}

let origin: number | undefined

export const browserClock: Clock = {
  // timeOrigin is fixed for the page: read once, not on every event.
  now: () => (origin ??= performance.timeOrigin) + performance.now(),
  wallNow: () => Date.now(),
}

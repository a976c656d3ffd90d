/**
 * Time, behind one small interface so tests can drive it. `now()` is high-resolution epoch
 * milliseconds that never goes back within a page; `wallNow()` is the wall clock.
 */
export interface Clock {
  now(): number
  wallNow(): number
}

export const browserClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  wallNow: () => Date.now(),
}

/**
 * Milliseconds to nanoseconds without losing digits. An epoch time in nanoseconds (~1.8e18) is
 * far above 2^53, so `ms * 1e6` as a Number is off by hundreds of nanoseconds; here the whole
 * milliseconds become a BigInt and only the fraction (a latency's 0.3 ms) goes through a float.
 * Epoch `ts` values are whole milliseconds; `t`, latencies and durations may carry a fraction.
 */
export function msToNanos(ms: number): bigint {
  if (!Number.isFinite(ms)) throw new RangeError(`Not a time in milliseconds: ${ms}`)
  const whole = Math.trunc(ms)
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))
}

/** A duration in ms as given by an event (`latencyMs`, `durationMs`): 0 when missing or invalid. */
export function durationNanos(ms: unknown): bigint {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? msToNanos(ms) : 0n
}

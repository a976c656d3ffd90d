/** How many verdicts passed, of how many. */
export interface PassRate {
  passed: number
  total: number
  /** passed / total; `null` when total is 0. */
  passRate: number | null
}

export function passRate(passed: number, total: number): PassRate {
  return { passed, total, passRate: total === 0 ? null : passed / total }
}

/** One check's verdict on one recording, as `evaluate` returns it and writes it (`validation.result`). */
export interface CheckResult {
  sessionId: string
  name: string
  passed: boolean
  score: number
  details?: unknown
  eventIds: string[]
  /** The check threw (or its judge could not answer): `details.error` says why. */
  errored?: boolean
  /** How long the check took, ms. */
  durationMs: number
}

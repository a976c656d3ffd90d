const DAY = 24 * 60 * 60 * 1000
const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * A range of whole days as a person picks it (`2026-11-01` to `2026-11-30`, both included, UTC as
 * the charts' days are) → the API's `from` (inclusive) and `to` (exclusive), epoch ms. A value
 * that is not a date is left out (undefined).
 */
export function dayRange(fromDate: string | null | undefined, toDate: string | null | undefined): { from?: number; to?: number } {
  const at = (date: string | null | undefined) => (date && DATE.test(date) && Number.isFinite(Date.parse(date)) ? Date.parse(date) : undefined)
  const from = at(fromDate)
  const to = at(toDate)
  return { ...(from !== undefined && { from }), ...(to !== undefined && { to: to + DAY }) }
}

/** An epoch ms as the `YYYY-MM-DD` of its UTC day, for a date input. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10)
}

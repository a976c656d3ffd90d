/**
 * The one bound on times, for every store and route: a Date's range in epoch ms (±8.64e15).
 * Every store can compare a time within it (a PostgreSQL bigint holds it, a Date shows it);
 * an event's time or figure past it counts as absent (summary/sessionSummary.ts), a query's
 * `from` or `to` past it is a 400 invalid_query (http/sessionQuery.ts, http/statsRoutes.ts).
 */
const MAX_TIME = 8.64e15

/** How refusals name the bound: "… must be … within ±8640000000000000 ms (a Date's range)." */
export const TIME_BOUND = `±${MAX_TIME} ms (a Date's range)`

/** Whether a number is a time within the bound (NaN is not). */
export function withinTimeBound(value: number): boolean {
  return Math.abs(value) <= MAX_TIME
}

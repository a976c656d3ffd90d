/**
 * What the finder says of a page's `total`: "1 session", "2,345 sessions", or "10,000+ sessions"
 * when the server stopped counting (`totalCapped`, docs/server.md "GET /v1/sessions"), and the
 * number of pages, "of 200+" when capped.
 */
export function totalLabel(total: number, capped: boolean | undefined, pageSize: number): { sessions: string; pages: string } {
  const plus = capped ? '+' : ''
  return {
    sessions: `${total.toLocaleString('en-US')}${plus} session${total === 1 && !capped ? '' : 's'}`,
    pages: `${Math.max(1, Math.ceil(total / pageSize)).toLocaleString('en-US')}${plus}`,
  }
}

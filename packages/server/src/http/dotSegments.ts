/**
 * A Request normalises `.` and `..` segments away, so an adapter that sees the raw path marks
 * the requests whose path had them, and the handler refuses those (with a request id and a log
 * line, like any refusal). A mark in memory, not a header: a client cannot set or clear it.
 */
const marked = new WeakSet<Request>()

export function markDotSegments(request: Request): void {
  marked.add(request)
}

export function hasDotSegments(request: Request): boolean {
  return marked.has(request)
}

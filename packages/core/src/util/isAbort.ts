/** Whether a caught error is an abort (`AbortController`), which is the app's choice and not a failure. */
export function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError'
}

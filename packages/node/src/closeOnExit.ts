/** What `closeOnExit` uses of Node's `process`: injectable, so the behaviour is testable in-process. */
export interface ExitHost {
  readonly pid: number
  once(event: string, listener: (...args: unknown[]) => void): unknown
  prependOnceListener(event: string, listener: (...args: unknown[]) => void): unknown
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown
  listenerCount(event: string): number
  kill(pid: number, signal: string): unknown
}

export interface CloseOnExitOptions {
  /** Signals after which the recorder sends what it holds. Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly string[]
  /** How long the process may wait for that, ms. Default 2000. */
  timeoutMs?: number
}

/**
 * Closes the recorder (every stream ended and sent) when the process is about to end: on each of
 * `signals`, and on `beforeExit` (the event loop ran dry). A signal waits at most `timeoutMs`; then,
 * if nobody else listens to it, the process is ended by the same signal, as it would have been
 * without this (exit code 128 + n); if the app listens too, its own handler decides when to exit.
 * Returns the uninstaller.
 */
export function closeOnExit(close: () => Promise<void>, options: CloseOnExitOptions = {}, host: ExitHost = process): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT']
  const timeoutMs = options.timeoutMs ?? 2000
  const listeners = new Map<string, () => void>()
  let closing: Promise<void> | undefined

  const closeWithin = async (): Promise<void> => {
    closing ??= close().catch(() => undefined)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([closing, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
    clearTimeout(timer)
  }
  const uninstall = () => {
    for (const [event, listener] of listeners) host.removeListener(event, listener)
    listeners.clear()
  }

  for (const signal of signals) {
    const listener = () => {
      // Counted now, before any other listener ran: ours comes first, so one the app added with
      // once() is still there. The app's own handler then decides when to exit.
      const others = host.listenerCount(signal)
      void closeWithin().then(() => {
        uninstall()
        if (others === 0) host.kill(host.pid, signal)
      })
    }
    listeners.set(signal, listener)
    host.prependOnceListener(signal, listener)
  }
  const beforeExit = () => {
    uninstall()
    void closeWithin()
  }
  listeners.set('beforeExit', beforeExit)
  host.once('beforeExit', beforeExit)
  return uninstall
}

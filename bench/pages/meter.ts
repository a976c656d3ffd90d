/**
 * Measuring the main thread from inside the page: time spent in slices of work (with the
 * microtasks they queue), time spent handling messages from workers, and long tasks.
 */

/** Main-thread time spent in `message` events of workers: listeners and the microtasks they start. */
export const workerMessages = { ms: 0 }

/**
 * Makes every `new Worker()` from now on count the time its `message` events take, from a
 * listener that runs first to one kept last. A microtask checkpoint follows every listener, so
 * the last one runs after the promise callbacks the others started (comlink's, the recorder's).
 */
export function meterWorkerMessages(): void {
  const Native = globalThis.Worker
  if ('metered' in Native) return
  function MeteredWorker(url: string | URL, options?: WorkerOptions): Worker {
    const worker = new Native(url, options)
    const add = worker.addEventListener.bind(worker)
    const remove = worker.removeEventListener.bind(worker)
    let started: number | undefined
    const lead = () => {
      started = performance.now()
    }
    const trail = () => {
      if (started === undefined) return
      workerMessages.ms += performance.now() - started
      started = undefined
    }
    add('message', lead)
    add('message', trail)
    worker.addEventListener = ((type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions) => {
      add(type, listener, options)
      if (type === 'message') {
        remove('message', trail)
        add('message', trail)
      }
    }) as Worker['addEventListener']
    return worker
  }
  MeteredWorker.prototype = Native.prototype
  Object.defineProperty(MeteredWorker, 'metered', { value: true })
  globalThis.Worker = MeteredWorker as unknown as typeof Worker
}

const channel = new MessageChannel()
let resume: (() => void) | undefined
channel.port1.onmessage = () => {
  const next = resume
  resume = undefined
  next?.()
}

/** Resolves in a new task right away (a posted message: no 4 ms clamping as for nested timers). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    resume = resolve
    channel.port2.postMessage(0)
  })
}

/** Resolves in a later task, as an app that yields with `setTimeout(…, 0)` would. */
export function timeout(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export interface SliceTimes {
  /** Main-thread time of the slices (and of `finish`), worker messages handled meanwhile left out. */
  sliceMs: number
  /** Main-thread time handling worker messages, from the first slice until `finish` resolved. */
  messageMs: number
  longestSliceMs: number
  /** From the first slice until `finish` resolved. */
  wallMs: number
  startedAt: number
  endedAt: number
}

/**
 * Runs `work(from, to)` over `count` items in slices of `slice`, one slice per task, yielding
 * with `yieldTask` between slices, then `finish()`. Each slice is timed until the task after it
 * starts, so the microtasks it queued (handing batches to a worker) count too.
 */
export async function runSlices(
  count: number,
  slice: number,
  work: (from: number, to: number) => void,
  yieldTask: () => Promise<void>,
  finish: () => Promise<unknown> = () => Promise.resolve(),
): Promise<SliceTimes> {
  let sliceMs = 0
  let longestSliceMs = 0
  const messagesBefore = workerMessages.ms
  const timed = async (run: () => unknown) => {
    const handled = workerMessages.ms
    const started = performance.now()
    const result = run()
    await nextTask()
    const ms = performance.now() - started - (workerMessages.ms - handled)
    sliceMs += ms
    longestSliceMs = Math.max(longestSliceMs, ms)
    return result
  }
  const startedAt = performance.now()
  for (let from = 0; from < count; from += slice) {
    if (from > 0) await yieldTask()
    await timed(() => work(from, Math.min(count, from + slice)))
  }
  await timed(finish)
  const endedAt = performance.now()
  return { sliceMs, messageMs: workerMessages.ms - messagesBefore, longestSliceMs, wallMs: endedAt - startedAt, startedAt, endedAt }
}

/** Collects long tasks (over 50 ms) from now until the returned function is called. */
export function watchLongTasks(): () => Promise<PerformanceEntry[]> {
  const entries: PerformanceEntry[] = []
  const observer = new PerformanceObserver((list) => {
    entries.push(...list.getEntries())
  })
  observer.observe({ type: 'longtask' })
  return async () => {
    // Entries are delivered after the task ends: give the last one time to arrive.
    await timeout(20)
    entries.push(...observer.takeRecords())
    observer.disconnect()
    return entries
  }
}

import { createSafeRecorder, type RecorderLike } from '../instrument/safeRecorder'

/** The Core Web Vitals as the page has them so far. */
interface Vitals {
  /** Largest Contentful Paint, ms. */
  lcp?: number
  /** Interaction to Next Paint, ms: the 98th percentile of interaction durations (the worst of fewer than 50). */
  inp?: number
  /** Cumulative Layout Shift: the largest session window (shifts < 1 s apart, at most 5 s) of unexpected shifts. */
  cls?: number
}

interface ShiftEntry extends PerformanceEntry {
  value: number
  hadRecentInput: boolean
}

interface EventEntry extends PerformanceEntry {
  interactionId?: number
}

/**
 * Records LCP, INP and CLS as `metric.sampled` (docs/capture.md) from `PerformanceObserver`, each
 * when the page is hidden and when capture stops (the recorder closes), and only when it changed
 * since last reported. Browsers without an entry type just do not report that metric. Returns the stop.
 */
export function captureWebVitals(recorder: RecorderLike, win: Window = globalThis as unknown as Window): () => void {
  const safe = createSafeRecorder(recorder)
  const vitals: Vitals = {}
  const reported: Vitals = {}
  const observers: Array<[PerformanceObserver, (entries: PerformanceEntryList) => void]> = []
  const interactions = new Map<number, number>()
  let windowValue = 0
  let windowStart = 0
  let lastShift = 0

  const observe = (type: string, handle: (entries: PerformanceEntryList) => void, extra: Record<string, unknown> = {}) => {
    try {
      if (!PerformanceObserver.supportedEntryTypes?.includes(type)) return
      const guarded = (entries: PerformanceEntryList) => {
        try {
          handle(entries)
        } catch (error) {
          safe.fail(error)
        }
      }
      const observer = new PerformanceObserver((list) => guarded(list.getEntries()))
      observer.observe({ type, buffered: true, ...extra } as PerformanceObserverInit)
      observers.push([observer, guarded])
    } catch (error) {
      safe.fail(error)
    }
  }

  observe('largest-contentful-paint', (entries) => {
    const last = entries[entries.length - 1]
    if (last) vitals.lcp = Math.round(last.startTime)
  })
  observe('layout-shift', (entries) => {
    for (const entry of entries as ShiftEntry[]) {
      if (entry.hadRecentInput) continue
      if (windowValue > 0 && entry.startTime - lastShift < 1000 && entry.startTime - windowStart < 5000) windowValue += entry.value
      else {
        windowValue = entry.value
        windowStart = entry.startTime
      }
      lastShift = entry.startTime
      vitals.cls = Math.max(vitals.cls ?? 0, Math.round(windowValue * 10_000) / 10_000)
    }
  })
  observe(
    'event',
    (entries) => {
      for (const entry of entries as EventEntry[]) {
        const id = entry.interactionId
        if (!id) continue
        interactions.set(id, Math.max(interactions.get(id) ?? 0, entry.duration))
        if (interactions.size > 500) interactions.delete(interactions.keys().next().value!)
      }
      const durations = [...interactions.values()].sort((a, b) => b - a)
      vitals.inp = Math.round(durations[Math.min(durations.length - 1, Math.floor(interactions.size / 50))] ?? 0)
    },
    { durationThreshold: 16 },
  )

  const report = () => {
    for (const name of ['lcp', 'inp', 'cls'] as const) {
      const value = vitals[name]
      if (value === undefined || value === reported[name] || !safe.active()) continue
      reported[name] = value
      // CLS is a score without a unit.
      safe.record('metric.sampled', { name: name.toUpperCase(), value, ...(name !== 'cls' && { unit: 'ms' }), source: 'web-vitals' })
    }
  }
  const onHidden = () => {
    try {
      if (win.document.visibilityState === 'hidden') report()
    } catch (error) {
      safe.fail(error)
    }
  }
  win.addEventListener('visibilitychange', onHidden, true)
  return () => {
    win.removeEventListener('visibilitychange', onHidden, true)
    try {
      for (const [observer, handle] of observers) {
        const pending = observer.takeRecords()
        if (pending.length > 0) handle(pending)
        observer.disconnect()
      }
      report()
    } catch (error) {
      safe.fail(error)
    }
  }
}

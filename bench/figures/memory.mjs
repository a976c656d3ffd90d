// The memory figures: the page's and the worker's heaps after a long burst, and at their peak during it.
import { openBenchPage } from '../lib/browser.mjs'
import { call, dbName, isRecorderWorker, repeat } from '../lib/pageCalls.mjs'
import { ratios, summary } from '../lib/report.mjs'
import { BARS, MB, SIZES, SLICE } from '../lib/settings.mjs'

export async function memoryFigures(env) {
  const count = SIZES.memory
  // No separate warm-up run: every run has a fresh tab and warms up inside it (memoryWarmup events).
  const runs = await repeat('memory', async () => {
    // A fresh tab each run: its heap holds only this run.
    const tab = await openBenchPage(env.context, env.pageUrl)
    try {
      await call(tab, 'memorySetup', { seed: 43, dbName: dbName('memory'), warmup: SIZES.memoryWarmup, slice: SLICE })
      const worker = tab.workers.find(isRecorderWorker)
      if (!worker) throw new Error(`no DevTools session on the recorder's worker (workers: ${JSON.stringify(tab.workers.list())})`)
      const pageBefore = await tab.heap()
      const workerBefore = await tab.workers.heap(worker)
      // While it records, sample both heaps (no forced GC, so garbage not yet collected counts too).
      let workerPeak = workerBefore.usedSize
      let pagePeak = pageBefore.usedSize
      let done = false
      const burst = call(tab, 'memoryBurst', { count, slice: SLICE }).finally(() => {
        done = true
      })
      for (let polls = 0; !done && polls < 10_000; polls++) {
        const [w, p] = await Promise.all([
          tab.workers.heap(worker, { gc: false }).catch(() => undefined),
          tab.cdp.send('Runtime.getHeapUsage').catch(() => undefined),
        ])
        if (w) workerPeak = Math.max(workerPeak, w.usedSize)
        if (p) pagePeak = Math.max(pagePeak, p.usedSize)
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      const { ms } = await burst
      const pageAfter = await tab.heap()
      const workerAfter = await tab.workers.heap(worker)
      await call(tab, 'memoryTeardown')
      return { ms, pageBefore: pageBefore.usedSize, pageAfter: pageAfter.usedSize, pagePeak, workerBefore: workerBefore.usedSize, workerAfter: workerAfter.usedSize, workerPeak }
    } finally {
      await tab.close()
    }
  }, 0)
  const growth = summary(runs.map((r) => r.pageAfter - r.pageBefore))
  const workerAfter = summary(runs.map((r) => r.workerAfter))
  const workerPeak = summary(runs.map((r) => r.workerPeak))
  const n = count.toLocaleString('en-US')
  const pageMethod = 'CDP on the page: HeapProfiler.collectGarbage (twice), then Runtime.getHeapUsage usedSize'
  const workerMethod = "CDP on the worker: the page's session auto-attaches to its workers (Target.setAutoAttach, not flattened) and sends HeapProfiler.collectGarbage (twice), then Runtime.getHeapUsage usedSize, through Target.sendMessageToTarget"
  return [
    {
      id: 'memory-page',
      title: `memory: page heap growth after ${n} events`,
      unit: 'bytes',
      value: growth,
      anchor: { title: 'page heap before', unit: 'bytes', value: summary(runs.map((r) => r.pageBefore)) },
      ratio: { ...ratios(runs.map((r) => r.pageAfter), runs.map((r) => r.pageBefore)), suffix: '× after/before' },
      bar: { text: `grows ≤ ${BARS.pageHeapGrowth / MB} MB`, ok: growth.median <= BARS.pageHeapGrowth },
      detail: { method: pageMethod, recordMs: summary(runs.map((r) => r.ms)), warmupEvents: SIZES.memoryWarmup },
    },
    {
      id: 'memory-page-peak',
      title: `memory: page heap at its peak while recording them`,
      unit: 'bytes',
      value: summary(runs.map((r) => r.pagePeak)),
      anchor: { title: 'page heap before', unit: 'bytes', value: summary(runs.map((r) => r.pageBefore)) },
      ratio: { ...ratios(runs.map((r) => r.pagePeak), runs.map((r) => r.pageBefore)), suffix: '× peak/before' },
      detail: { method: 'CDP on the page: Runtime.getHeapUsage usedSize sampled every 250 ms during the burst without forcing a GC (uncollected garbage counts)' },
    },
    {
      id: 'memory-worker',
      title: `memory: worker heap after ${n} events`,
      unit: 'bytes',
      value: workerAfter,
      anchor: { title: 'worker heap before', unit: 'bytes', value: summary(runs.map((r) => r.workerBefore)) },
      ratio: { ...ratios(runs.map((r) => r.workerAfter), runs.map((r) => r.workerBefore)), suffix: '× after/before' },
      bar: { text: `≤ ${BARS.workerHeap / MB} MB`, ok: workerAfter.median <= BARS.workerHeap },
      detail: { method: workerMethod },
    },
    {
      id: 'memory-worker-peak',
      title: `memory: worker heap at its peak while recording them`,
      unit: 'bytes',
      value: workerPeak,
      anchor: { title: 'worker heap before', unit: 'bytes', value: summary(runs.map((r) => r.workerBefore)) },
      ratio: { ...ratios(runs.map((r) => r.workerPeak), runs.map((r) => r.workerBefore)), suffix: '× peak/before' },
      bar: { text: `≤ ${BARS.workerHeap / MB} MB`, ok: workerPeak.median <= BARS.workerHeap },
      detail: { method: `${workerMethod}; sampled every 250 ms during the burst without forcing a GC (uncollected garbage counts)` },
    },
  ]
}

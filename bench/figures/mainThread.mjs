// The main-thread figures: record()'s cost per event against an empty loop (with the renderer's
// threads' CPU time), and against JSON.stringify of its payload in the npm and script-tag builds.
import { openBenchPage } from '../lib/browser.mjs'
import { scriptTagSize } from '../lib/bundleSize.mjs'
import { call, callHolding, dbName, repeat } from '../lib/pageCalls.mjs'
import { ratios, summary } from '../lib/report.mjs'
import { BARS, quick, SIZES, SLICE } from '../lib/settings.mjs'
import { rendererThreads, threadDelta } from '../lib/threadTime.mjs'

export async function mainThreadFigures(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  try {
    const count = SIZES.mainThread
    const runs = await repeat('record() on the main thread', async (i) => {
      const result = {}
      for (const mode of i % 2 ? ['recorder', 'empty'] : ['empty', 'recorder']) {
        const arg = { mode, count, slice: SLICE, seed: 11, dbName: dbName('main') }
        if (mode === 'empty') {
          result[mode] = await call(tab, 'mainThread', arg)
          continue
        }
        // The renderer's threads' CPU time over the burst (Linux): time on a CPU against time
        // waiting for one, which a machine shared with other work adds to the page's wall time.
        let before
        let threads
        result[mode] = await callHolding(tab, 'mainThread', arg, {
          atStart: async () => {
            before = rendererThreads(env.userDataDir)
          },
          atEnd: async () => {
            threads = threadDelta(before, rendererThreads(env.userDataDir))
          },
        })
        result[mode].threads = threads
      }
      return result
    })
    const us = runs.map((r) => r.recorder.perEventUs)
    const perEvent = (pick) => (runs.every((r) => r.recorder.threads) ? summary(runs.map((r) => (pick(r.recorder.threads) * 1000) / count)) : undefined)
    const empty = runs.map((r) => r.empty.perEventUs)
    const longTasks = runs.map((r) => r.recorder.longestLongTaskMs)
    const value = summary(us)
    const onCpu = perEvent((t) => t.mainRunMs)
    const cpuRow = onCpu && {
      id: 'record-main-thread-cpu',
      title: '  the same burst: page main thread on a CPU (schedstat; not the bar)',
      unit: 'µs/event',
      value: onCpu,
      anchor: { title: 'waiting for a CPU', unit: 'µs/event', value: perEvent((t) => t.mainWaitMs) },
      detail: {
        method: '/proc/<renderer pid>/task/<main thread>/schedstat: ns on a CPU and ns runnable but waiting, from right before the burst to right after its flush',
        workerOnCpuUsPerEvent: perEvent((t) => t.workerRunMs),
        // Pages of memory the page's main thread touched for the first time, per event (/proc/…/stat minflt).
        mainFaultsPerEvent: perEvent((t) => t.mainFaults / 1000),
      },
    }
    return [
      ...(cpuRow ? [cpuRow] : []),
      {
        id: 'record-main-thread',
        title: `main-thread cost of record(), ${count.toLocaleString('en-US')}-event burst`,
        unit: 'µs/event',
        value,
        anchor: { title: 'empty loop', unit: 'µs/event', value: summary(empty) },
        ratio: { ...ratios(us, empty), suffix: '×' },
        bar: { text: `≤ ${BARS.recordUs} µs/event`, ok: value.median <= BARS.recordUs },
        detail: {
          // Where the time goes: the slices (record() and handing batches over) and the answers.
          sliceUsPerEvent: summary(runs.map((r) => (r.recorder.sliceMs * 1000) / count)),
          answersUsPerEvent: summary(runs.map((r) => (r.recorder.messageMs * 1000) / count)),
          longestSliceMs: summary(runs.map((r) => r.recorder.longestSliceMs)),
          wallMs: summary(runs.map((r) => r.recorder.wallMs)),
          slice: SLICE,
        },
      },
      {
        id: 'record-long-tasks',
        title: 'longest long task during that burst',
        unit: 'none-or-ms',
        value: summary(longTasks),
        anchor: { title: 'empty loop', unit: 'none-or-ms', value: summary(runs.map((r) => r.empty.longestLongTaskMs)) },
        bar: { text: `no task over ${BARS.longTaskMs} ms in any run`, ok: longTasks.every((ms) => ms === 0) },
        detail: { longTasks: runs.map((r) => r.recorder.longTasks) },
      },
    ]
  } finally {
    await tab.close()
  }
}

/**
 * record() against JSON.stringify of the same payloads, for the npm build (the bench page's
 * bundle) and the script-tag file (dist/tapedeck.js), each pair measured back to back in one tab.
 * The ratio is of the page main thread's CPU time over each burst (Linux schedstat: on a loaded
 * machine wall time mostly measures waiting for a CPU); elsewhere of wall time in the page.
 */
export async function recordVsStringifyFigures(env) {
  if (!scriptTagSize()) throw new Error('packages/widget/dist/tapedeck.js is not built (npm run build -w @tapedeck/widget)')
  const tab = await openBenchPage(env.context, env.pageUrl)
  try {
    const count = quick ? 5_000 : 20_000
    const builds = ['npm', 'script']
    const burst = async (build, mode) => {
      let before
      let threads
      const result = await callHolding(tab, 'recordVsStringify', { build, mode, count, slice: SLICE, seed: 13, dbName: dbName(`stringify-${build}`) }, {
        atStart: async () => {
          before = rendererThreads(env.userDataDir)
        },
        atEnd: async () => {
          threads = threadDelta(before, rendererThreads(env.userDataDir))
        },
      })
      return { ...result, cpuUs: threads ? (threads.mainRunMs * 1000) / count : undefined, faults: threads ? threads.mainFaults / count : undefined }
    }
    const runs = await repeat('record() against JSON.stringify, npm and script-tag builds', async (i) => {
      const result = {}
      for (const build of i % 2 ? [...builds].reverse() : builds) {
        const modes = i % 2 ? ['record', 'stringify'] : ['stringify', 'record']
        const pair = {}
        for (const mode of modes) pair[mode] = await burst(build, mode)
        result[build] = pair
      }
      return result
    })
    const cpu = runs.every((r) => builds.every((b) => r[b].record.cpuUs !== undefined && r[b].stringify.cpuUs !== undefined))
    const pick = (r, mode) => (cpu ? r[mode].cpuUs : r[mode].perEventUs)
    return builds.map((build) => {
      const us = runs.map((r) => pick(r[build], 'record'))
      const json = runs.map((r) => pick(r[build], 'stringify'))
      const ratio = ratios(us, json)
      const longest = runs.map((r) => r[build].record.longestLongTaskMs)
      const ok = ratio.median <= BARS.recordVsStringify && longest.every((ms) => ms <= BARS.longTaskMs)
      return {
        id: `record-vs-stringify-${build}`,
        title: `record() against JSON.stringify of its payload, ${build === 'npm' ? 'npm build' : 'script-tag build'} (${count.toLocaleString('en-US')} calls, main-thread ${cpu ? 'CPU' : 'wall'} time)`,
        unit: 'µs/event',
        value: summary(us),
        anchor: { title: 'JSON.stringify', unit: 'µs/event', value: summary(json) },
        ratio: { ...ratio, suffix: '×' },
        bar: { text: `≤ ${BARS.recordVsStringify}× and no long task over ${BARS.longTaskMs} ms`, ok },
        detail: {
          time: cpu ? 'page main thread on a CPU (schedstat)' : 'wall time in the page',
          wallUs: summary(runs.map((r) => r[build].record.perEventUs)),
          stringifyWallUs: summary(runs.map((r) => r[build].stringify.perEventUs)),
          longestLongTaskMs: summary(longest),
          // Pages the main thread touched for the first time, per event (/proc/…/stat minflt).
          ...(cpu && { faultsPerEvent: summary(runs.map((r) => r[build].record.faults)), stringifyFaultsPerEvent: summary(runs.map((r) => r[build].stringify.faults)) }),
          longestSliceMs: summary(runs.map((r) => r[build].record.longestSliceMs)),
          slice: SLICE,
        },
      }
    })
  } finally {
    await tab.close()
  }
}

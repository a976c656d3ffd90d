// `node bench/run.mjs --profile`: no figures, CPU profiles (page and worker) of a figure's burst,
// taken between the holds of its page function and summarised per function (profile.mjs).
import { openBenchPage } from './browser.mjs'
import { call, callHolding, dbName, isRecorderWorker } from './pageCalls.mjs'
import { log } from './report.mjs'
import { SIZES, SLICE, wanted } from './settings.mjs'
import { printProfile, saveProfile, summariseProfile } from './profile.mjs'

/** Runs a figure's page function with the CPU profiler on in the page and the recorder's worker. */
async function profiled(tab, name, arg) {
  const targets = []
  return callHolding(tab, name, arg, {
    async atStart() {
      const worker = tab.workers.find(isRecorderWorker)
      targets.push(['page', (method, params) => tab.cdp.send(method, params)])
      if (worker) targets.push(['worker', (method, params) => tab.workers.send(worker, method, params)])
      for (const [, send] of targets) {
        await send('Profiler.enable', {})
        await send('Profiler.setSamplingInterval', { interval: 200 })
        await send('Profiler.start', {})
      }
    },
    async atEnd() {
      for (const [target, send] of targets) {
        const { profile } = await send('Profiler.stop', {})
        const label = arg.build ? `${arg.build}-${arg.mode}` : arg.mode
        const file = saveProfile(`${name}-${label}-${target}`, profile)
        printProfile(`${name} (${label}), ${target} — ${file}`, summariseProfile(profile), log)
      }
    },
  })
}

export async function profiles(env) {
  const tab = await openBenchPage(env.context, env.pageUrl)
  try {
    if (wanted('main')) {
      const main = { mode: 'recorder', count: SIZES.mainThread, slice: SLICE, seed: 11 }
      await call(tab, 'mainThread', { ...main, dbName: dbName('profile') })
      const m = await profiled(tab, 'mainThread', { ...main, dbName: dbName('profile') })
      log(`\nmainThread: ${m.perEventUs.toFixed(2)} µs/event, longest long task ${m.longestLongTaskMs} ms`)
    }
    if (wanted('durable')) {
      const durable = { mode: 'recorder', count: SIZES.durable, slice: SLICE, seed: 23 }
      await call(tab, 'durable', { ...durable, dbName: dbName('profile') })
      const d = await profiled(tab, 'durable', { ...durable, dbName: dbName('profile') })
      log(`\ndurable: ${Math.round(d.eventsPerSec)} events/s`)
    }
    // record() against JSON.stringify (`--only=stringify`): each build's burst and its anchor, warmed once first.
    if (wanted('stringify')) {
      for (const build of ['npm', 'script']) {
        for (const mode of ['stringify', 'record']) {
          const arg = { build, mode, count: 20_000, slice: SLICE, seed: 13, dbName: dbName(`profile-${build}`) }
          await call(tab, 'recordVsStringify', arg)
          const r = await profiled(tab, 'recordVsStringify', arg)
          log(`\nrecordVsStringify ${build} ${mode}: ${r.perEventUs.toFixed(2)} µs/event (wall), longest long task ${r.longestLongTaskMs} ms`)
        }
      }
    }
  } finally {
    await tab.close()
  }
}

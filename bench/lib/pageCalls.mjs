// Calling the bench page's functions (bench/pages/main.ts, `window.bench`) from bench/run.mjs and
// its figures: each call bounded in time, warm-up and measured runs, a database name per run, and
// a call that holds around its burst so that threads can be read or profiled there.
import { log } from './report.mjs'
import { CALL_TIMEOUT_MS, SIZES } from './settings.mjs'

function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Calls `window.bench[name](arg)` in the page. */
export function call(tab, name, arg) {
  return withTimeout(
    tab.page.evaluate(([name, arg]) => window.bench[name](arg), [name, arg]),
    CALL_TIMEOUT_MS,
    `bench.${name}`,
  )
}

/** Warm-up runs (results dropped), then the measured runs. */
export async function repeat(label, run, warmups = SIZES.warmups) {
  const results = []
  for (let i = 0; i < warmups; i++) {
    log(`  ${label}: warm-up ${i + 1}/${warmups}`)
    await run(i, true)
  }
  for (let i = 0; i < SIZES.runs; i++) {
    log(`  ${label}: run ${i + 1}/${SIZES.runs}`)
    results.push(await run(i, false))
  }
  return results
}

let databases = 0
export const dbName = (what) => `bench-${what}-${process.pid}-${++databases}`

/** The recorder's worker among a tab's workers (its DevTools target info). */
export const isRecorderWorker = (info) => info.title === 'tapedeck' || /\/worker-[^/]*\.js$/.test(info.url)

/**
 * Calls a page function that holds right before its burst and right after it (`hold: true`),
 * running `atStart()` and `atEnd()` there. The page says it holds through a binding, so nothing
 * polls the page while the burst runs.
 */
export async function callHolding(tab, name, arg, { atStart, atEnd }) {
  if (!tab.onHold) await tab.page.exposeFunction('benchHeld', () => tab.onHold?.())
  let settled = false
  let wake = () => {}
  tab.onHold = () => wake()
  const held = () =>
    new Promise((resolve, reject) => {
      wake = resolve
      if (settled) reject(new Error(`bench.${name} finished without holding`))
    })
  let hold = held()
  const running = call(tab, name, { ...arg, hold: true })
  // If the call ends (or fails) without holding, nothing waits for a hold that never comes.
  void running.then(
    () => ((settled = true), wake()),
    () => ((settled = true), wake()),
  )
  await hold
  if (settled) return running
  await atStart()
  hold = held()
  await tab.page.evaluate(() => window.bench.release())
  await hold
  if (settled) return running
  await atEnd()
  await tab.page.evaluate(() => window.bench.release())
  return running
}

// Linux only: CPU time of the browser's renderer threads, from /proc/<pid>/task/<tid>/schedstat
// (nanoseconds on a CPU, nanoseconds runnable but waiting for one). On a shared machine, wall
// time on the main thread mixes both; these tell them apart.
import { readFileSync, readdirSync } from 'node:fs'

/** Renderer processes started with this user-data-dir: every thread's schedstat, by tid. */
export function rendererThreads(userDataDir) {
  const threads = new Map()
  let pids
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return undefined
  }
  for (const pid of pids) {
    let cmdline
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    } catch {
      continue
    }
    if (!cmdline.includes('--type=renderer') || !cmdline.includes(userDataDir)) continue
    let tids
    try {
      tids = readdirSync(`/proc/${pid}/task`)
    } catch {
      continue
    }
    for (const tid of tids) {
      try {
        const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number)
        const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()
        // Minor page faults (stat field 10): memory the thread touched for the first time since
        // the kernel gave it out, which costs ~17 µs a 4 KB page on the bench machine (bench/README.md).
        const faults = Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[7])
        threads.set(`${pid}/${tid}`, { pid: Number(pid), tid: Number(tid), main: pid === tid, comm, runNs: run, waitNs: wait, faults })
      } catch {
        // The thread ended meanwhile.
      }
    }
  }
  return threads
}

/**
 * What each thread used between two snapshots. The busiest renderer main thread is taken as the
 * page's (the bench has one busy tab at a time); worker threads are those of the same process.
 */
export function threadDelta(before, after) {
  if (!before || !after) return undefined
  const deltas = []
  for (const [key, t] of after) {
    const b = before.get(key)
    deltas.push({ ...t, runNs: t.runNs - (b?.runNs ?? 0), waitNs: t.waitNs - (b?.waitNs ?? 0), faults: t.faults - (b?.faults ?? 0) })
  }
  const main = deltas.filter((t) => t.main).sort((a, b) => b.runNs - a.runNs)[0]
  if (!main) return undefined
  const workers = deltas.filter((t) => t.pid === main.pid && /DedicatedWorker/i.test(t.comm))
  return {
    mainRunMs: main.runNs / 1e6,
    mainWaitMs: main.waitNs / 1e6,
    mainFaults: main.faults,
    workerRunMs: workers.reduce((sum, t) => sum + t.runNs, 0) / 1e6,
    workerWaitMs: workers.reduce((sum, t) => sum + t.waitNs, 0) / 1e6,
    processRunMs: deltas.filter((t) => t.pid === main.pid).reduce((sum, t) => sum + t.runNs, 0) / 1e6,
  }
}

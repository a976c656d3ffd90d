import type { Logger } from '../http/createHandler.js'
import { ServerError } from '../ServerError.js'
import type { SessionStore } from '../store/SessionStore.js'
import { checkRetentionMs, sweepRetention, type RetentionOptions, type RetentionReport } from './sweepRetention.js'

export interface ScheduleRetentionOptions extends RetentionOptions {
  store: SessionStore
  /** Time between sweeps; default the smaller of retentionMs and 10 minutes. The first sweep runs at once. */
  intervalMs?: number
  /** One line per sweep, with counts, never ids. Default: console. false: silent. */
  log?: Logger | false
}

export interface RetentionSchedule {
  /** Sweeps now, after a sweep in progress; scheduled sweeps go on. */
  sweep(): Promise<RetentionReport>
  /** No more sweeps; resolves once a sweep in progress has finished, so the store can be closed. */
  stop(): Promise<void>
}

const TEN_MINUTES = 10 * 60 * 1000
/** setTimeout's largest delay. */
const MAX_DELAY = 2 ** 31 - 1

/** Runs sweepRetention at once and then every `intervalMs`, one sweep at a time; a failed sweep is logged and retried next time. */
export function scheduleRetention(options: ScheduleRetentionOptions): RetentionSchedule {
  const { store, retentionMs, now = Date.now } = options
  checkRetentionMs(retentionMs)
  const intervalMs = options.intervalMs ?? Math.min(retentionMs, TEN_MINUTES)
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new ServerError('invalid_options', `intervalMs must be a positive number, not ${intervalMs}.`)
  const log = options.log === undefined ? console : options.log
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let last: Promise<unknown> = Promise.resolve()

  function sweep(): Promise<RetentionReport> {
    const next = last.then(async () => {
      const id = `retention-${crypto.randomUUID().slice(0, 8)}`
      const started = performance.now()
      try {
        const report = await sweepRetention(store, { retentionMs, now })
        const ms = (performance.now() - started).toFixed(1)
        if (log) log.info(`${id} sweep erased=${report.erased.length} held=${report.held.length} before=${new Date(report.before).toISOString()} ${ms}ms`)
        return report
      } catch (error) {
        if (log) log.error(`${id} sweep failed`, error)
        throw error
      }
    })
    last = next.catch(() => undefined)
    return next
  }

  async function tick(): Promise<void> {
    await sweep().catch(() => undefined)
    if (!stopped) {
      timer = setTimeout(tick, Math.min(intervalMs, MAX_DELAY))
      // The schedule never keeps a process alive on its own.
      timer.unref?.()
    }
  }

  void tick()
  return {
    sweep,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await last
    },
  }
}

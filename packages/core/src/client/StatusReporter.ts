import { TapedeckError, isTapedeckError, toErrorInfo, type ErrorInfo, type TapedeckErrorCode } from '../errors'
import { Store } from '../util/subscribable'
import { consoleWarnings } from './consoleWarnings'
import { INITIAL_STATUS } from './initialStatus'
import { watchStorage } from './watchStorage'
import type { RecorderOptions, RecorderStatus } from './types'

const MAX_ERRORS_KEPT = 20

/** Events accepted, stored, dropped and refused since the recorder was made. */
export interface Counts {
  accepted: number
  durable: number
  dropped: number
  rejected: number
}

/**
 * The recorder's status (`getSnapshot()`) and how it reports: every error goes to the status,
 * `onError` and — once per code, in development — the console; with `strict: true` a refused call
 * also throws.
 */
export class StatusReporter {
  readonly store = new Store<RecorderStatus>(INITIAL_STATUS)
  readonly counts: Counts = { accepted: 0, durable: 0, dropped: 0, rejected: 0 }
  /** Events consent kept out. */
  #withheld = 0
  readonly #options: RecorderOptions
  /** Tells the console about each kind of problem once (development builds, `debug: true`). */
  readonly #warn: (error: ErrorInfo) => void
  /** `persisted` and `storageEstimate`, looked at after each change. */
  readonly #storage: (status: RecorderStatus) => void

  constructor(options: RecorderOptions) {
    this.#options = options
    this.#warn = consoleWarnings(options.debug)
    this.#storage = watchStorage(options.persist, this.publish, options.clock)
  }

  report = (error: ErrorInfo): void => {
    this.publish({ error, errors: [...this.store.getSnapshot().errors, error].slice(-MAX_ERRORS_KEPT) })
    this.#warn(error)
    try {
      this.#options.onError?.(error)
    } catch {
      // The host's error callback must not break recording.
    }
  }

  publish = (patch: Partial<RecorderStatus>): void => {
    const { accepted, durable, dropped, rejected } = this.counts
    this.store.update({
      ...patch,
      withheld: this.#withheld,
      counts: { accepted, durable, dropped, rejected, pending: accepted - durable - dropped },
    })
    this.#storage(this.store.getSnapshot())
  }

  /**
   * A call the app made could not be honoured: report it (status, `onError`, the console in
   * development) and carry on — or, with `strict: true`, throw it as a TapedeckError.
   */
  fail = (error: unknown, fallback: TapedeckErrorCode): void => {
    const info = toErrorInfo(error, fallback)
    if (!isTapedeckError(error)) info.cause = error
    else if (error.cause !== undefined) info.cause = error.cause
    this.report(info)
    if (this.#options.strict) throw isTapedeckError(error) ? error : new TapedeckError(info.code, info.message, { cause: error })
  }

  /** An event refused (a bad payload, no session): counted and reported as {@link fail}. */
  refuse(error: unknown): void {
    this.counts.rejected++
    this.fail(error, 'invalid_event_data')
  }

  /** An event consent kept out: counted, nothing reported. */
  withhold(): void {
    this.#withheld++
    this.publish({})
  }
}

import type { ErrorInfo } from '../errors'
import { grantConsent } from './consentFlow'
import type { ConsentHost } from './erasure'
import type { ConsentApi, Recorder, RecorderOptions } from './types'

/** What `recorder.consent` and `recorder.erase` need of the recorder. */
export interface ConsentCallsHost extends Omit<ConsentHost, 'erasureHost'> {
  options: Pick<RecorderOptions, 'endpoint' | 'headers' | 'getToken'>
  /** The recorder's database name (its settled default). */
  dbName: string
  report(error: ErrorInfo): void
  /** Throws when the recorder is closed or its engine failed for good. */
  assertOpen(): void
  /** Reports a failed consent call (`storage_failed`); throws only with `strict: true`. */
  fail(error: unknown): void
}

/**
 * `recorder.consent` and `recorder.erase`. Granting is in consentFlow; withdrawal and erasure,
 * which few pages use, load on first use (erasure). A consent call never throws into the page
 * (unless `strict`): it reports instead.
 */
export function consentCalls(parts: ConsentCallsHost): { consent: ConsentApi; erase: Recorder['erase'] } {
  const { options, dbName, link, report, assertOpen, fail } = parts
  const host: ConsentHost = {
    ...parts,
    erasureHost: () => ({
      dbName,
      endpoint: options.endpoint,
      headers: options.headers,
      engine: async () => (await link.start())?.api,
      token: async () => (options.getToken ? link.fetchToken() : undefined),
      report,
    }),
  }
  const call = (run: () => Promise<void>): Promise<void> => {
    let running: Promise<void>
    try {
      assertOpen()
      running = run()
    } catch (error) {
      running = Promise.reject(error)
    }
    return running.catch(fail)
  }
  return {
    consent: {
      grant: (scopes) => call(() => grantConsent(host, scopes)),
      withdraw: (withdrawOptions) => call(async () => (await import('./erasure')).withdrawConsent(host, withdrawOptions)),
    },
    erase: async (target, { remote = false } = {}) => {
      assertOpen()
      const { eraseSessions } = await import('./erasure')
      return eraseSessions(host, options.endpoint, target, remote)
    },
  }
}

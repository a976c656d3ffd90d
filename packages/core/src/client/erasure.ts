/**
 * Withdrawing consent and erasure, loaded when first asked for (few pages use them): withdrawing
 * ends the session and stops storing; erasing deletes local data through the engine, then the
 * backend's copy, session by session.
 */
import { TapedeckError, toErrorInfo, type ErrorInfo } from '../errors'
import { ID_PATTERN } from '../events/serialize'
import type { IngestResult, RecorderWorkerApi } from '../engine/protocol'
import { storing, type ActiveSession } from './ActiveSession'
import type { EngineLink } from './EngineLink'
import { withdrawnConsent, type ConsentKeeper } from './consentState'
import type { RecorderStatus } from './types'
import { trimEndpoint, withBearer } from '../util/endpoint'

/** What the consent calls need of the recorder. */
export interface ConsentHost {
  consent: ConsentKeeper
  link: EngineLink
  session(): ActiveSession | null
  /** The session is over on the page (nothing more is recorded into it). */
  endSession(session: ActiveSession): void
  enqueue(type: string, data: string): void
  post(): Promise<IngestResult | undefined>
  flush(): Promise<unknown>
  stop(reason: string): Promise<unknown>
  stopAudio(): Promise<void>
  publish(patch: Partial<RecorderStatus>): void
  erasureHost(): ErasureHost
}

export interface ErasureHost {
  /** The recorder's database name: the on-error windows live beside it. */
  dbName: string
  endpoint: string | undefined
  headers: Record<string, string> | undefined
  /** The engine, or undefined when nothing was ever stored (consent never given). */
  engine(): Promise<Pick<RecorderWorkerApi, 'deleteSession' | 'eraseSessions' | 'syncNow'> | undefined>
  token(): Promise<string | undefined>
  report(error: ErrorInfo): void
}

export type EraseTarget = { sessionId: string } | { userId: string } | 'everything'

export async function withdrawConsent(host: ConsentHost, { erase = false }: { erase?: boolean } = {}): Promise<void> {
  await host.stopAudio()
  const { consent } = host
  const withdrawn = withdrawnConsent(consent.config)
  const session = host.session()
  if (session && storing(session, consent.status) && !erase) {
    // The last word of the session: why it ends.
    host.enqueue('consent.changed', JSON.stringify({ state: 'withdrawn', scopes: withdrawn.scopes }))
    await host.stop('consent-withdrawn')
  } else if (session) {
    host.endSession(session)
  }
  consent.set(withdrawn)
  if (!erase) return
  await host.flush()
  await eraseData(host.erasureHost(), 'everything', true)
}

export async function eraseSessions(
  host: ConsentHost,
  endpoint: string | undefined,
  target: { sessionId: string } | { userId: string },
  remote: boolean,
): Promise<number> {
  checkEraseTarget(target, remote, endpoint)
  const current = host.session()
  if (current && ('sessionId' in target ? current.id === target.sessionId : current.userId === target.userId)) {
    await host.stopAudio()
    host.endSession(current)
  }
  if (host.link.connected) await host.flush()
  return eraseData(host.erasureHost(), target, remote)
}

/** Checks what `erase()` was given before anything is stopped or deleted. */
export function checkEraseTarget(target: { sessionId: string } | { userId: string }, remote: boolean, endpoint: string | undefined): void {
  const value = 'sessionId' in target ? target.sessionId : target.userId
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new TapedeckError('invalid_options', `erase() takes { sessionId } or { userId } with 1 to 128 letters, digits, "_" or "-"; got ${JSON.stringify(target)}.`)
  }
  if (remote && endpoint === undefined) {
    throw new TapedeckError('invalid_options', 'erase({ remote: true }) needs the `endpoint` option: the backend to ask.')
  }
}

/** Deletes local data, then (with `remote`) asks the backend to erase the same sessions; returns how many local sessions went. */
export async function eraseData(host: ErasureHost, target: EraseTarget, remote: boolean): Promise<number> {
  const engine = await host.engine()
  let ids: string[] = []
  if (engine) {
    if (target === 'everything') ids = await engine.eraseSessions({})
    else if ('sessionId' in target) ids = (await engine.deleteSession(target.sessionId)) ? [target.sessionId] : []
    else ids = await engine.eraseSessions({ userId: target.userId })
  }
  // The on-error windows pages left before a trigger: local data too, so erased here, not by the backend.
  const { eraseWindows } = await import('../capture/eraseWindows')
  await eraseWindows(host.dbName, target)
  // By session id even for a user: the recorder's ingest key may erase a session it knows the
  // id of, never a whole user (that needs the backend's admin key, from the app's own server).
  if (remote) await eraseRemote(host, typeof target === 'object' && 'sessionId' in target ? [target.sessionId] : ids)
  return ids.length
}

/**
 * Asks the backend to erase sessions (`DELETE /v1/sessions/{id}`, docs/protocol.md §4) once local
 * uploads have settled, so no batch in flight recreates them. 404: nothing there to erase.
 */
async function eraseRemote(host: ErasureHost, ids: string[]): Promise<void> {
  if (host.endpoint === undefined || ids.length === 0) return
  await (await host.engine())?.syncNow().catch(() => undefined)
  const token = await host.token()
  const headers = withBearer(host.headers, token)
  const base = trimEndpoint(host.endpoint)
  const failures = await Promise.all(
    ids.map(async (id): Promise<TapedeckError | undefined> => {
      let response: Response
      try {
        response = await fetch(`${base}/v1/sessions/${encodeURIComponent(id)}`, { method: 'DELETE', headers })
      } catch (cause) {
        return new TapedeckError('sync_failed', `The backend could not be asked to erase session ${id}: ${String(cause)}. Local data is erased; ask again later.`, { cause })
      }
      if (response.ok || response.status === 404) return undefined
      const code = response.status === 423 ? 'session_held' : response.status === 401 || response.status === 403 ? 'sync_unauthorized' : 'sync_failed'
      return new TapedeckError(code, `The backend did not erase session ${id}: ${response.status} ${await response.text().catch(() => '')}`.trim())
    }),
  )
  const failure = failures.find((one) => one !== undefined)
  if (failure) {
    host.report(toErrorInfo(failure, failure.code))
    throw failure
  }
}

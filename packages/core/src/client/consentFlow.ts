/**
 * What consent and erasure do to a recorder that is running: granting starts storing (and the
 * session begun before consent), withdrawing ends the session and stops storing, erasing deletes
 * here and, on request, on the backend. The decision itself is kept by consentState.
 */
import type { IngestResult } from '../engine/protocol'
import { adoptStart, type ActiveSession } from './ActiveSession'
import type { EngineLink } from './EngineLink'
import type { ErasureHost } from './erasure'
import { grantedConsent, storageBlocked, withdrawnConsent, type ConsentKeeper } from './consentState'
import type { ConsentScopes, ConsentStatus, RecorderStatus } from './types'

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

/** The session's events are being stored (it began with consent). */
export function storing(session: ActiveSession, consent: ConsentStatus): boolean {
  return session.deferred === undefined && !storageBlocked(consent)
}

export async function grantConsent(host: ConsentHost, asked: Partial<ConsentScopes> = {}): Promise<void> {
  const { link, consent } = host
  const before = consent.status
  const next = grantedConsent(consent.config, asked)
  // Batches recorded under the old scopes are handed over first: a narrower scope never
  // applies late, a wider one never early.
  if (link.connected) await host.flush()
  consent.set(next)
  if (!next.scopes.audio) await host.stopAudio()
  if (!link.connected) {
    void link.start()
  } else if (before.scopes.content !== next.scopes.content || storageBlocked(before)) {
    const capture = consent.captureMode()
    await link.current().then((connection) => connection?.api.setCapture(capture))
  }
  const session = host.session()
  if (session?.deferred !== undefined) {
    host.enqueue('session.started', session.deferred)
    delete session.deferred
    if (session.paused) host.enqueue('session.paused', JSON.stringify({ reason: 'pause' }))
  }
  if (session && next.mode === 'required') host.enqueue('consent.changed', JSON.stringify({ state: 'granted', scopes: next.scopes }))
  const started = session ? host.post() : undefined
  host.publish({})
  if (session && adoptStart(session, await started) && host.session() === session) {
    host.publish({ session: { id: session.id, startedAt: session.startedAt, resumed: session.resumed } })
  }
}

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
  const { eraseData } = await import('./erasure')
  await eraseData(host.erasureHost(), 'everything', true)
}

export async function eraseSessions(
  host: ConsentHost,
  endpoint: string | undefined,
  target: { sessionId: string } | { userId: string },
  remote: boolean,
): Promise<number> {
  const { checkEraseTarget, eraseData } = await import('./erasure')
  checkEraseTarget(target, remote, endpoint)
  const current = host.session()
  if (current && ('sessionId' in target ? current.id === target.sessionId : current.userId === target.userId)) {
    await host.stopAudio()
    host.endSession(current)
  }
  if (host.link.connected) await host.flush()
  return eraseData(host.erasureHost(), target, remote)
}

/**
 * What granting consent does to a recorder that is running: it starts storing, and the session
 * begun before consent begins for real. (Withdrawal and erasure, which few pages use, load on
 * first use: see erasure.) The decision itself is kept by consentState.
 */
import { adoptStart } from './ActiveSession'
import type { ConsentHost } from './erasure'
import { grantedConsent, storageBlocked } from './consentState'
import type { ConsentScopes } from './types'

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

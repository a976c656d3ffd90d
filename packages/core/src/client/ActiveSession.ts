import type { SessionStartedData } from '../events/catalogue'
import type { IngestResult } from '../engine/protocol'
import { storageBlocked } from './consentState'
import { VERSION } from '../version'
import type { ConsentStatus, StartOptions } from './types'

/** The session the page is recording: what the recorder knows of it between batches. */
export interface ActiveSession {
  id: string
  /** `session.started` of a session begun before consent: stored once consent is given. */
  deferred?: string
  userId?: string
  paused: boolean
  /** From the engine's answer to the first stored batch; `null` until then. */
  startedAt: number | null
  resumed: boolean
}

/** Takes the start time and resumption from the engine's answer to the session's first stored batch; whether it did. */
export function adoptStart(session: ActiveSession, outcome: IngestResult | undefined): boolean {
  if (!outcome || outcome.sessionId !== session.id || outcome.stored === 0 || session.startedAt !== null) return false
  session.startedAt = outcome.startedAt
  session.resumed = outcome.resumed
  return true
}

/** `session.started`: what the app said about the session, the recorder's version, and where the page is. */
export function startedData(metadata: Omit<StartOptions, 'sessionId'>): SessionStartedData {
  const data: SessionStartedData = { ...metadata, recorder: { version: VERSION } }
  if (typeof location !== 'undefined') {
    // Origin and path only: query strings and fragments often carry tokens.
    data.app = { url: location.origin + location.pathname, ...(typeof document !== 'undefined' && { title: document.title }) }
  }
  if (typeof navigator !== 'undefined' && navigator.userAgent) data.userAgent = navigator.userAgent
  return data
}

/** The session's events are being stored (it began with consent). */
export function storing(session: ActiveSession, consent: ConsentStatus): boolean {
  return session.deferred === undefined && !storageBlocked(consent)
}

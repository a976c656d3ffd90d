import { TapedeckError } from '../errors'
import type { SessionStartedData } from '../events/catalogue'
import { ID_PATTERN, serializeData } from '../events/serialize'
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

/**
 * The session `start(options)` begins — `sessionId` or a new id — and its `session.started` data
 * as JSON. Throws `invalid_session_id` or the payload's error before anything changes.
 */
export function openSession(options: StartOptions, newId: () => string, maxEventBytes: number): { session: ActiveSession; data: string } {
  const { sessionId, ...metadata } = options
  const id = sessionId ?? newId()
  if (!ID_PATTERN.test(id)) {
    throw new TapedeckError('invalid_session_id', `Session id ${JSON.stringify(id)} is not usable: use 1 to 128 letters, digits, "_" or "-".`)
  }
  const data = serializeData('session.started', startedData(metadata), maxEventBytes)
  const session: ActiveSession = { id, paused: false, startedAt: null, resumed: false }
  if (typeof metadata.userId === 'string') session.userId = metadata.userId
  return { session, data }
}

/** Takes the start time and resumption from the engine's answer to the session's first stored batch; whether it did. */
export function adoptStart(session: ActiveSession, outcome: IngestResult | undefined): boolean {
  if (!outcome || outcome.sessionId !== session.id || outcome.stored === 0 || session.startedAt !== null) return false
  session.startedAt = outcome.startedAt
  session.resumed = outcome.resumed
  return true
}

/** `session.started`: what the app said about the session, the recorder's version, and where the page is. */
function startedData(metadata: Omit<StartOptions, 'sessionId'>): SessionStartedData {
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

import { oneOf } from './resolveOptions'
import type { CaptureMode, ConsentMode, ConsentScopes, ConsentStatus, RecorderOptions } from './types'

export interface ConsentConfig {
  mode: ConsentMode
  audio: ConsentMode
  /** localStorage key the decision is kept under, or undefined to forget it with the page. */
  storageKey: string | undefined
}

const MODES = ['none', 'required']

export function consentConfig(option: RecorderOptions['consent'], dbName: string): ConsentConfig {
  const options = typeof option === 'object' && option !== null ? option : { mode: option ?? undefined }
  const mode = options.mode ?? 'none'
  const audio = options.audio ?? 'required'
  const remember = options.remember
  oneOf(options === option ? 'consent.mode' : 'consent', mode, MODES)
  oneOf('consent.audio', audio, MODES)
  return { mode, audio, storageKey: remember === false ? undefined : `tapedeck-consent:${dbName}` }
}

const NOTHING: ConsentScopes = Object.freeze({ content: false, actions: false, audio: false })

type Remembered = { state: string; scopes: ConsentScopes }

/**
 * The state at start-up, with the user's remembered decision, if any. With nothing to ask the
 * user, every scope but audio (unless audio consent is off too, or the user once allowed it).
 */
export function initialConsent(config: ConsentConfig, remembered: Remembered | undefined): ConsentStatus {
  const { mode } = config
  if (remembered?.state === 'withdrawn') return withdrawnConsent(config)
  if (mode === 'none') return { mode, state: 'not-required', scopes: { content: true, actions: true, audio: config.audio === 'none' || remembered?.scopes.audio === true } }
  return remembered?.state === 'granted' ? { mode, state: 'granted', scopes: remembered.scopes } : { mode, state: 'pending', scopes: NOTHING }
}

export function grantedConsent({ mode, audio }: ConsentConfig, asked: Partial<ConsentScopes>): ConsentStatus {
  const scopes: ConsentScopes = { content: asked.content ?? true, actions: asked.actions ?? true, audio: asked.audio ?? audio === 'none' }
  return { mode, state: mode === 'none' ? 'not-required' : 'granted', scopes }
}

export function withdrawnConsent(config: ConsentConfig): ConsentStatus {
  return { mode: config.mode, state: 'withdrawn', scopes: NOTHING }
}

/** Nothing may be stored: consent is required and not given, or it was withdrawn. */
export function storageBlocked(status: ConsentStatus): boolean {
  return status.state === 'pending' || status.state === 'withdrawn'
}

export function rememberConsent(config: ConsentConfig, status: ConsentStatus): void {
  if (!config.storageKey) return
  try {
    localStorage.setItem(config.storageKey, JSON.stringify({ state: status.state, scopes: status.scopes }))
  } catch {
    // Storage refused (private mode, a sandboxed frame): the decision lasts as long as the page.
  }
}

/** The user's decision as a page before this one kept it (localStorage), if any. */
function rememberedConsent(key: string | undefined): Remembered | undefined {
  try {
    const value = JSON.parse((key && localStorage.getItem(key)) || 'null') as { state?: unknown; scopes?: Partial<ConsentScopes> } | null
    const { content, actions, audio } = value?.scopes ?? {}
    if (typeof value?.state === 'string' && typeof value.scopes === 'object' && value.scopes) return { state: value.state, scopes: { content: content === true, actions: actions === true, audio: audio === true } }
  } catch {
    // Unreadable: as if nothing were remembered.
  }
  return undefined
}

/**
 * The user's decision as this recorder knows it: read from localStorage on first use (never during
 * server rendering), kept there when it changes, and what it allows.
 */
export class ConsentKeeper {
  readonly config: ConsentConfig
  #status: ConsentStatus | undefined
  readonly #capture: CaptureMode
  readonly #changed: (status: ConsentStatus) => void

  constructor(options: RecorderOptions, dbName: string, changed: (status: ConsentStatus) => void) {
    this.config = consentConfig(options.consent, dbName)
    this.#capture = options.capture ?? 'full'
    this.#changed = changed
  }

  /** Before first use: the decision as if nothing were remembered (nothing is read from the page before then). */
  get initial(): ConsentStatus {
    return initialConsent(this.config, undefined)
  }

  get status(): ConsentStatus {
    if (this.#status) return this.#status
    const status = initialConsent(this.config, rememberedConsent(this.config.storageKey))
    this.#status = status
    this.#changed(status)
    return status
  }

  set(status: ConsentStatus): void {
    this.#status = status
    rememberConsent(this.config, status)
    this.#changed(status)
  }

  /** Nothing may be stored now. */
  get blocked(): boolean {
    return storageBlocked(this.status)
  }

  /** Whether an event of this type may be stored now. */
  allows(type: string): boolean {
    const status = this.status
    return !storageBlocked(status) && (type !== 'user.action' || status.scopes.actions)
  }

  /** Text is kept only with consent to content. */
  captureMode(): CaptureMode {
    return this.status.scopes.content ? this.#capture : 'metadata'
  }
}

/** The consent types of the recorder's options, status and `recorder.consent` (docs/security.md). */
export type ConsentMode = 'none' | 'required'

export interface ConsentOptions {
  mode?: ConsentMode
  /** Default `required`: microphone and assistant audio need `grant({ audio: true })`. */
  audio?: ConsentMode
  /** Keep the user's decision across reloads (localStorage, per `dbName`). Default true. */
  remember?: boolean
}

/** What the user agreed to. `content`: the text of messages and calls; `actions`: clicks, inputs, navigation; `audio`: microphone and assistant speech. */
export interface ConsentScopes {
  content: boolean
  actions: boolean
  audio: boolean
}

export type ConsentState = 'not-required' | 'pending' | 'granted' | 'withdrawn'

export interface ConsentStatus {
  mode: ConsentMode
  state: ConsentState
  scopes: ConsentScopes
}

export interface ConsentApi {
  /** Starts storing (and sending). Default scopes: `{ content: true, actions: true, audio: false }`. */
  grant(scopes?: Partial<ConsentScopes>): Promise<void>
  /**
   * Stops recording at once (the session ends with reason `consent-withdrawn`). `erase: true`
   * deletes this device's local data and asks the backend to erase the sessions it holds.
   */
  withdraw(options?: { erase?: boolean }): Promise<void>
}

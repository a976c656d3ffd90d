import { useMemo } from 'react'
import type { ConsentApi, ConsentMode, ConsentScopes, ConsentState, ConsentStatus, RecorderStatus } from '@tapedeck/core'
import { useRecorder } from './useRecorder'
import { useRecorderStatus } from './useRecorderStatus'

export interface Consent extends ConsentStatus {
  /** `required` mode and not granted yet (or withdrawn): nothing is being stored. */
  needed: boolean
  /** Starts storing (and sending) what `scopes` allow; `{ audio: true }` for microphone and assistant audio. */
  grant: ConsentApi['grant']
  /** Stops recording at once; `{ erase: true }` also deletes this device's data and asks the backend to. */
  withdraw: ConsentApi['withdraw']
}

const selectConsent = (status: RecorderStatus): ConsentStatus => status.consent
const sameConsent = (a: ConsentStatus, b: ConsentStatus) =>
  a.mode === b.mode &&
  a.state === b.state &&
  a.scopes.content === b.scopes.content &&
  a.scopes.actions === b.scopes.actions &&
  a.scopes.audio === b.scopes.audio

/**
 * The user's consent as the provider's recorder knows it (`mode`, `state`, `scopes`), with
 * `grant` and `withdraw`. Re-renders only when consent changes.
 */
export function useConsent(): Consent {
  const recorder = useRecorder()
  const consent = useRecorderStatus(selectConsent, sameConsent)
  const actions = useMemo(
    () => ({
      grant: (scopes?: Partial<ConsentScopes>) => recorder.consent.grant(scopes),
      withdraw: (options?: { erase?: boolean }) => recorder.consent.withdraw(options),
    }),
    [recorder],
  )
  return useMemo(() => ({ ...consent, ...actions, needed: isNeeded(consent.mode, consent.state) }), [consent, actions])
}

function isNeeded(mode: ConsentMode, state: ConsentState): boolean {
  return mode === 'required' && state !== 'granted'
}

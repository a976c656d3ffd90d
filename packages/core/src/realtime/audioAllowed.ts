/** Whether the recorder's user agreed to audio being recorded (read from its public snapshot). */
import type { Recorder } from '../client/types'

export function audioAllowed(recorder: Pick<Recorder, 'getSnapshot'>): boolean {
  try {
    const consent = recorder.getSnapshot().consent
    return consent.scopes.audio && consent.state !== 'withdrawn' && consent.state !== 'pending'
  } catch {
    return false
  }
}

import { TapedeckError, isTapedeckError, toErrorInfo } from '../errors'
import type { EventData, RecordableEventType } from '../events/catalogue'
import { interactionEvents, interactionTime, type InteractionEvents } from './interactionEvents'
import type { RecordOptions, Recorder } from './types'

/** What the capture inputs need from the recorder. */
export interface CaptureHost {
  /** `record()` with a back-dated wall-clock `ts` when given: whether the event was taken. */
  accept<T extends RecordableEventType>(type: T, data: EventData<T>, options?: RecordOptions, ts?: number): boolean
  /** Counts and reports a refused event (as a bad payload). */
  refuse(error: unknown): void
  /** A fresh id with the prefix (`snap_`, `ann_`, `call_`). */
  newId(prefix: string): string
  wallNow(): number
  /** A session is being recorded and is not paused. */
  recording(): boolean
  /** The message of the error the last refusal reported. */
  lastError(): string | undefined
}

export type CaptureInputs = Pick<Recorder, 'transcript' | 'snapshot' | 'annotate' | 'recordInteraction'>

/**
 * The capture calls that build their event from the app's input: `transcript`, `snapshot`,
 * `annotate` and `recordInteraction`. An input that cannot be read (a throwing getter, a
 * `Proxy`) is refused as `invalid_event_data` with the original error as `cause`, never thrown.
 */
export function captureInputs(host: CaptureHost): CaptureInputs {
  /** Records what `build` makes of the app's input. */
  const build = <T extends RecordableEventType>(type: T, make: () => EventData<T>, options?: RecordOptions): boolean => {
    let data: EventData<T>
    try {
      data = make()
    } catch (error) {
      host.refuse(new TapedeckError('invalid_event_data', `Cannot read the input of "${type}": ${errorText(error)}.`, { cause: error }))
      return false
    }
    return host.accept(type, data, options)
  }

  return {
    transcript: (segment) =>
      build('transcript.segment', () => {
        const { final = true, ...rest } = segment
        return { ...rest, final }
      }),

    snapshot: (input) => {
      let snapshotId = ''
      build(
        'snapshot.created',
        () => {
          snapshotId = input.snapshotId ?? host.newId('snap_')
          return { snapshotId, state: input.state, description: input.description }
        },
        { checkpoint: true },
      )
      return snapshotId
    },

    annotate: (input) => {
      let annotationId = ''
      build('annotation.added', () => {
        annotationId = input.annotationId ?? host.newId('ann_')
        return { ...input, annotationId }
      })
      return annotationId
    },

    recordInteraction: (interaction) => {
      let callId = ''
      let events: InteractionEvents
      let ts: number
      try {
        callId = interaction.callId ?? host.newId('call_')
        ts = interactionTime(interaction.timestamp, host.wallNow())
        events = interactionEvents(interaction, callId)
      } catch (error) {
        host.refuse(isTapedeckError(error) ? error : new TapedeckError('invalid_event_data', `Cannot read the interaction: ${errorText(error)}.`, { cause: error }))
        return ''
      }
      const [[startType, started], [endType, ended]] = events
      if (!host.accept(startType, started, undefined, ts)) return callId
      if (!host.accept(endType, ended, undefined, ts) && endType === 'provider.call.completed' && host.recording()) {
        // A response the recorder cannot take (not JSON, too large): the call still gets an end.
        const message = host.lastError() ?? 'The response could not be recorded.'
        host.accept('provider.call.failed', { callId, error: { name: 'TapedeckError', message } }, undefined, ts)
      }
      return callId
    },
  }
}

/** What the input's error says (`Name: message`), as the status shows errors. */
function errorText(error: unknown): string {
  return toErrorInfo(error, 'invalid_event_data').message
}

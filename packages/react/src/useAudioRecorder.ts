import { useCallback, useMemo, useState } from 'react'
import {
  AUDIO_OFF,
  isTapedeckError,
  type AudioSource,
  type AudioStartOptions,
  type AudioTrack,
  type AudioTrackState,
  type AudioTrackStatus,
  type ErrorInfo,
  type RecorderStatus,
  type TapedeckErrorCode,
} from '@tapedeck/core'
import { useRecorder } from './useRecorder'
import { useRecorderStatus } from './useRecorderStatus'

export interface AudioRecorderOptions extends Omit<AudioStartOptions, 'track'> {
  /** `input` (the user's microphone, default) or `output` (the assistant's speech). */
  track?: AudioTrack
}

export interface AudioRecorder {
  /** The track's status as the recorder reports it (`recorder.getSnapshot().audio[track]`). */
  status: AudioTrackStatus
  /** `off`, `starting`, `recording`, `paused`, `denied`, `unsupported`, `no-consent` or `error`. */
  state: AudioTrackState
  /** `recording` or `paused`: `stop()` has something to stop. */
  active: boolean
  /** Why the track is not recording (`audio_denied`, `audio_unsupported`, `consent_required`, …), else `null`. */
  error: ErrorInfo | null
  /**
   * Starts the track: `'microphone'` (default) asks for it; a `MediaStream` or an `<audio>` /
   * `<video>` element records that. Never rejects: a refusal resolves with the status that says so.
   */
  start(source?: AudioSource): Promise<AudioTrackStatus>
  /** Stops the track; resolves when its last slice is durable. Never rejects. */
  stop(): Promise<void>
  pause(): void
  resume(): void
}

/**
 * Records one audio track with the provider's recorder (`recorder.audio`) and follows its status
 * through `useSyncExternalStore`. A refused microphone, a browser without MediaRecorder, missing
 * audio consent — and anything the recorder throws (no session, a closed recorder) — become the
 * returned `state` and `error`, never an exception in a click handler.
 */
export function useAudioRecorder(options: AudioRecorderOptions = {}): AudioRecorder {
  const { track = 'input', timesliceMs, mimeType } = options
  const recorder = useRecorder()
  // A track name the recorder does not know reads as off (its start() says why).
  const selectTrack = useCallback((status: RecorderStatus) => status.audio[track] ?? AUDIO_OFF, [track])
  const reported = useRecorderStatus(selectTrack, sameTrack)
  // What the recorder threw instead of reporting it; shown until the track's status moves on.
  const [failure, setFailure] = useState<{ track: AudioTrack; over: AudioTrackStatus; status: AudioTrackStatus } | null>(null)
  const status = failure && failure.track === track && failure.over === reported ? failure.status : reported

  const actions = useMemo(() => {
    const fail = (cause: unknown, fallback: TapedeckErrorCode) => {
      const over = recorder.getSnapshot().audio[track] ?? AUDIO_OFF
      const error = describe(cause, fallback)
      const status: AudioTrackStatus = { ...over, state: stateFor(error.code), error }
      setFailure({ track, over, status })
      return status
    }
    return {
      start: async (source: AudioSource = 'microphone'): Promise<AudioTrackStatus> => {
        setFailure(null)
        try {
          const result = await recorder.audio.start(source, {
            track,
            ...(timesliceMs !== undefined && { timesliceMs }),
            ...(mimeType !== undefined && { mimeType }),
          })
          // Refused before any track took it (a track that does not exist): the status cannot show it, this hook does.
          const over = recorder.getSnapshot().audio[track] ?? AUDIO_OFF
          if (result.error && over.error?.at !== result.error.at) setFailure({ track, over, status: result })
          return result
        } catch (cause) {
          return fail(cause, 'audio_failed')
        }
      },
      stop: async (): Promise<void> => {
        setFailure(null)
        try {
          await recorder.audio.stop(track)
        } catch (cause) {
          fail(cause, 'audio_failed')
        }
      },
      pause: (): void => {
        try {
          recorder.audio.pause(track)
        } catch (cause) {
          fail(cause, 'audio_failed')
        }
      },
      resume: (): void => {
        try {
          recorder.audio.resume(track)
        } catch (cause) {
          fail(cause, 'audio_failed')
        }
      },
    }
  }, [recorder, track, timesliceMs, mimeType])

  return useMemo(
    () => ({
      ...actions,
      status,
      state: status.state,
      active: status.state === 'recording' || status.state === 'paused',
      error: status.error,
    }),
    [actions, status],
  )
}

/** Field by field: the track keeps its identity while other parts of the status change (counts with every batch). */
function sameTrack(a: AudioTrackStatus, b: AudioTrackStatus): boolean {
  return (
    a.state === b.state &&
    a.mimeType === b.mimeType &&
    a.blobId === b.blobId &&
    a.parts === b.parts &&
    a.durableParts === b.durableParts &&
    a.startT === b.startT &&
    a.error?.code === b.error?.code &&
    a.error?.at === b.error?.at
  )
}

function describe(cause: unknown, fallback: TapedeckErrorCode): ErrorInfo {
  if (isTapedeckError(cause)) return { code: cause.code, message: cause.message, at: Date.now() }
  const message = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
  return { code: fallback, message, at: Date.now() }
}

function stateFor(code: TapedeckErrorCode): AudioTrackState {
  if (code === 'audio_denied') return 'denied'
  if (code === 'audio_unsupported') return 'unsupported'
  if (code === 'consent_required') return 'no-consent'
  return 'error'
}

import { useEffect, useRef, useState } from 'react'
import type { ActiveAudio, RecordingBlobs } from '@tapedeck/player'

export interface AudioTrackSyncProps {
  blobs: RecordingBlobs
  track: 'input' | 'output'
  /** The part under the playhead (`state.audio[track]`), `null` when the track is silent there. */
  active: ActiveAudio | null
  position: number
  playing: boolean
  rate: number
  muted: boolean
}

/** How far the audio may drift from the playhead before it is moved back in place, seconds. */
const MAX_DRIFT_S = 0.25

/**
 * Plays one audio track in step with the player's clock: the blob under the playhead (all its
 * MediaRecorder slices, which only decode together) in an `<audio>` element, moved to
 * `position - blobStartT`, at the player's rate. The player keeps time; the audio follows it.
 */
export function AudioTrackSync({ blobs, track, active, position, playing, rate, muted }: AudioTrackSyncProps) {
  const audio = useRef<HTMLAudioElement>(null)
  const [source, setSource] = useState<{ blobId: string; url: string } | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const blobId = active?.blobId ?? source?.blobId ?? null

  // The blob of the part under the playhead, read once per blob.
  useEffect(() => {
    if (!blobId) return
    let url: string | undefined
    let cancelled = false
    blobs.trackBlob(track, blobId).then(
      (blob) => {
        if (cancelled || !blob) return
        url = URL.createObjectURL(blob)
        setSource({ blobId, url })
      },
      (error: unknown) => !cancelled && setProblem(error instanceof Error ? error.message : String(error)),
    )
    return () => {
      cancelled = true
      if (url) URL.revokeObjectURL(url)
    }
  }, [blobs, track, blobId])

  useEffect(() => {
    const element = audio.current
    if (!element || !source) return
    const ready = active !== null && active.blobId === source.blobId
    element.playbackRate = rate
    if (!ready) {
      if (!element.paused) element.pause()
      return
    }
    const target = (position - active.blobStartT) / 1000
    if (!playing || element.paused || Math.abs(element.currentTime - target) > MAX_DRIFT_S) element.currentTime = target
    if (playing && element.paused) {
      element.play().then(
        () => setProblem(null),
        (error: unknown) => setProblem(error instanceof Error ? `${track} audio: ${error.message}` : String(error)),
      )
    } else if (!playing && !element.paused) element.pause()
  }, [source, active, position, playing, rate, track])

  return (
    <>
      <audio ref={audio} src={source?.url} muted={muted} preload="auto" data-track={track} data-testid={`tapedeck-audio-${track}`} />
      {problem && (
        <span className="tapedeck-error" role="status">
          {problem}
        </span>
      )}
    </>
  )
}

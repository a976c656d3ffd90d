import { memo, useEffect, useRef, useState } from 'react'
import type { Recording } from '@tapedeck/player'
import { computePeaks, type PlacedAudio } from './computePeaks'

const BUCKETS = 1200

/** Decodes every blob of the audio tracks once and places it at its session time. */
async function decodeTracks(recording: Recording): Promise<{ input: PlacedAudio[]; output: PlacedAudio[] }> {
  const context = new OfflineAudioContext(1, 1, 48_000)
  const result = { input: [] as PlacedAudio[], output: [] as PlacedAudio[] }
  for (const track of ['input', 'output'] as const) {
    const blobIds = [...new Set(recording.blobs.track(track).map((part) => part.blobId))]
    for (const blobId of blobIds) {
      const first = recording.blobs.track(track).find((part) => part.blobId === blobId)!
      const blob = await recording.blobs.trackBlob(track, blobId)
      if (!blob) continue
      const decoded = await context.decodeAudioData(await blob.arrayBuffer())
      result[track].push({ startT: first.startT ?? 0, sampleRate: decoded.sampleRate, samples: decoded.getChannelData(0) })
    }
  }
  return result
}

/** A transcript line drawn under the waveform, at its own start and end. */
export interface WaveformLine {
  speaker: string
  text: string
  startT: number
  endT: number
}

export interface WaveformProps {
  recording: Recording
  duration: number
  position: number
  /** Final transcript lines: drawn at their time under the waveform, the one being spoken marked. */
  lines?: readonly WaveformLine[]
  onSeek(t: number): void
}

/**
 * The session's audio as a waveform on the same time axis as the timeline: the user's track
 * above the middle line, the assistant's below; the playhead moves over it; a click seeks.
 */
export function Waveform({ recording, duration, position, lines = [], onSeek }: WaveformProps) {
  const [peaks, setPeaks] = useState<{ input: Float32Array; output: Float32Array } | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    decodeTracks(recording).then(
      (tracks) => !cancelled && setPeaks({ input: computePeaks(tracks.input, duration, BUCKETS), output: computePeaks(tracks.output, duration, BUCKETS) }),
      (error: unknown) => !cancelled && setProblem(`The audio could not be decoded: ${error instanceof Error ? error.message : String(error)}`),
    )
    return () => {
      cancelled = true
    }
  }, [recording, duration])
  const span = duration > 0 ? duration : 1
  return (
    <div className="waveform" data-ready={peaks !== null}>
      <div
        className="waveform__track"
        onPointerDown={(event) => {
          const rect = event.currentTarget.getBoundingClientRect()
          onSeek(Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)) * duration)
        }}
      >
        {peaks ? <PeakCanvas input={peaks.input} output={peaks.output} /> : <p className="muted small">{problem ?? 'Decoding audio…'}</p>}
        <div className="waveform__playhead" style={{ left: `${(position / span) * 100}%` }} />
      </div>
      {lines.length > 0 && (
        <div className="waveform__lines" aria-hidden="true">
          {lines.slice(0, 500).map((line) => (
            <span
              key={`${line.startT}:${line.speaker}`}
              className={`waveform__line waveform__line--${line.speaker === 'user' ? 'input' : 'output'}`}
              data-current={position >= line.startT && position <= line.endT}
              style={{ left: `${(line.startT / span) * 100}%`, width: `${(Math.max(0, line.endT - line.startT) / span) * 100}%` }}
              title={`${line.speaker}: ${line.text}`}
            >
              {line.text}
            </span>
          ))}
        </div>
      )}
      <p className="visually-hidden">Audio waveform: the user above the line, the assistant below. Use the timeline slider to move through it.</p>
    </div>
  )
}

const PeakCanvas = memo(function PeakCanvas({ input, output }: { input: Float32Array; output: Float32Array }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const element = canvas.current
    if (!element) return
    const draw = () => {
      const ratio = window.devicePixelRatio || 1
      const width = element.clientWidth * ratio
      const height = element.clientHeight * ratio
      element.width = width
      element.height = height
      const context = element.getContext('2d')
      if (!context) return
      const style = getComputedStyle(element)
      const middle = height / 2
      const bar = width / BUCKETS
      context.clearRect(0, 0, width, height)
      context.fillStyle = style.getPropertyValue('--wave-input').trim() || '#0a64d6'
      for (let i = 0; i < BUCKETS; i++) {
        const h = Math.max(input[i]! > 0 ? 1 : 0, input[i]! * (middle - 2))
        context.fillRect(i * bar, middle - h, Math.max(1, bar - 0.5), h)
      }
      context.fillStyle = style.getPropertyValue('--wave-output').trim() || '#1a7f37'
      for (let i = 0; i < BUCKETS; i++) {
        const h = Math.max(output[i]! > 0 ? 1 : 0, output[i]! * (middle - 2))
        context.fillRect(i * bar, middle, Math.max(1, bar - 0.5), h)
      }
      context.fillStyle = style.getPropertyValue('--line').trim() || '#ccc'
      context.fillRect(0, middle, width, Math.max(1, ratio / 2))
    }
    draw()
    const observer = new ResizeObserver(draw)
    observer.observe(element)
    return () => observer.disconnect()
  }, [input, output])
  return <canvas ref={canvas} className="waveform__canvas" role="img" aria-label="Audio waveform" data-testid="waveform" />
})

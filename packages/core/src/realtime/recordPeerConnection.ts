/**
 * Records any WebRTC call (LiveKit, a plain `RTCPeerConnection`): the audio of its first local and
 * first remote audio track (`audio.input` / `audio.output`), every track added and removed
 * (`rtc.track`), connection state changes (`rtc.state`), and `getStats()` quality samples as
 * `metric.sampled` at a bounded rate. Observes only: listeners and `getStats()`, nothing replaced.
 */
import type { Recorder } from '../client/types'
import { createSafeRecorder } from '../instrument/safeRecorder'
import type { InstrumentStats } from '../instrument/safeRecorder'
import { readRtcQuality, type RtcCounters, type RtcQuality } from './readRtcQuality'

export interface RecordPeerConnectionOptions {
  /** Record the audio of the first local and first remote audio tracks. Default true. */
  audio?: boolean
  /** How often `getStats()` is sampled, ms. Default 5000; never more often than once a second; 0 turns sampling off. */
  statsIntervalMs?: number
  onError?: (error: unknown) => void
}

export interface PeerConnectionRecording {
  /** Stops observing and sampling; resolves when the audio slices are durable. */
  stop(): Promise<void>
  readonly stats: InstrumentStats
}

export const MIN_STATS_INTERVAL_MS = 1000

const METRICS: Array<[keyof RtcQuality, string, string]> = [
  ['roundTripTimeMs', 'rtc.roundTripTime', 'ms'],
  ['jitterMs', 'rtc.jitter', 'ms'],
  ['packetLoss', 'rtc.packetLoss', 'ratio'],
  ['audioLevel', 'rtc.audioLevel', 'ratio'],
]

export function recordPeerConnection(recorder: Pick<Recorder, 'record' | 'getSnapshot' | 'audio'>, connection: RTCPeerConnection, options: RecordPeerConnectionOptions = {}): PeerConnectionRecording {
  const safe = createSafeRecorder(recorder, options.onError)
  const known = new Map<string, { track: MediaStreamTrack; side: 'local' | 'remote' }>()
  const recording = new Set<'input' | 'output'>()
  let stopped = false

  const startAudio = (track: MediaStreamTrack, side: 'input' | 'output') => {
    if (options.audio === false || track.kind !== 'audio' || recording.has(side)) return
    recording.add(side)
    recorder.audio.start(new MediaStream([track]), { track: side }).catch((error: unknown) => safe.fail(error))
  }

  /** The tracks in use now: what the page sends, and what the other side sends it. */
  const scan = () => {
    if (stopped) return
    try {
      const now = new Map<string, { track: MediaStreamTrack; side: 'local' | 'remote' }>()
      for (const sender of connection.getSenders()) if (sender.track) now.set(`local:${sender.track.id}`, { track: sender.track, side: 'local' })
      for (const transceiver of connection.getTransceivers()) {
        const direction = transceiver.currentDirection
        if (direction === 'recvonly' || direction === 'sendrecv') now.set(`remote:${transceiver.receiver.track.id}`, { track: transceiver.receiver.track, side: 'remote' })
      }
      for (const [key, entry] of known) if (!now.has(key)) report('removed', entry)
      for (const [key, entry] of now) {
        if (known.has(key)) continue
        report('added', entry)
        startAudio(entry.track, entry.side === 'local' ? 'input' : 'output')
      }
      known.clear()
      for (const [key, entry] of now) known.set(key, entry)
    } catch (error) {
      safe.fail(error)
    }
  }
  const report = (change: 'added' | 'removed', { track, side }: { track: MediaStreamTrack; side: 'local' | 'remote' }) =>
    safe.record('rtc.track', { change, side, trackId: track.id, kind: track.kind, ...(track.label && { label: track.label }) })

  let lastState: string | undefined
  const onState = () => {
    if (stopped || connection.connectionState === lastState) return
    lastState = connection.connectionState
    safe.record('rtc.state', { connectionState: connection.connectionState, iceConnectionState: connection.iceConnectionState })
    if (connection.connectionState === 'closed') clearInterval(timer)
  }

  let counters: RtcCounters | undefined
  let sampling = false
  const sample = async () => {
    if (stopped || sampling || connection.connectionState !== 'connected') return
    sampling = true
    try {
      const report = await connection.getStats()
      if (stopped) return
      const read = readRtcQuality(report.values() as Iterable<Record<string, unknown>>, counters)
      counters = read.counters
      for (const [key, name, unit] of METRICS) {
        const value = read.quality[key]
        if (value !== undefined) safe.record('metric.sampled', { name, value, unit })
      }
    } catch (error) {
      safe.fail(error)
    } finally {
      sampling = false
    }
  }
  const interval = options.statsIntervalMs ?? 5000
  const timer = interval > 0 ? setInterval(() => void sample(), Math.max(MIN_STATS_INTERVAL_MS, interval)) : undefined

  const onTrack = () => queueMicrotask(scan)
  connection.addEventListener('track', onTrack)
  connection.addEventListener('negotiationneeded', scan)
  connection.addEventListener('signalingstatechange', scan)
  connection.addEventListener('connectionstatechange', onState)
  scan()
  onState()

  return {
    stats: safe.stats,
    async stop() {
      if (stopped) return
      scan()
      stopped = true
      clearInterval(timer)
      connection.removeEventListener('track', onTrack)
      connection.removeEventListener('negotiationneeded', scan)
      connection.removeEventListener('signalingstatechange', scan)
      connection.removeEventListener('connectionstatechange', onState)
      await Promise.all([...recording].map((side) => recorder.audio.stop(side)))
    },
  }
}

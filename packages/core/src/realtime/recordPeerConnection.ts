/**
 * Records any WebRTC call (LiveKit, a plain `RTCPeerConnection`): the audio of every local and
 * remote audio track, each its own stream (`audio.input` for what the page sends, `audio.output`
 * for what it receives, tagged with `trackId` and `side`) from when it appears until it goes away
 * (removed, its transceiver stopped, the call stopped); every track added and removed
 * (`rtc.track`), connection state changes (`rtc.state`), and `getStats()` quality samples as
 * `metric.sampled` at a bounded rate. Observes only: listeners and `getStats()`, nothing replaced.
 */
import type { Recorder } from '../client/types'
import { createSafeRecorder } from '../instrument/safeRecorder'
import type { InstrumentStats } from '../instrument/safeRecorder'
import { readRtcQuality, type RtcCounters, type RtcQuality } from './readRtcQuality'
import { recordTrack, type TrackRecording } from './recordTrack'

export interface RecordPeerConnectionOptions {
  /** Record the audio of every local and remote audio track. Default true; needs audio consent. */
  audio?: boolean
  /** How often `getStats()` is sampled, ms. Default 5000; never more often than once a second; 0 turns sampling off. */
  statsIntervalMs?: number
  onError?: (error: unknown) => void
}

export interface PeerConnectionRecording {
  /** Stops observing, sampling and recording; resolves when the audio slices are durable. Call it before `recorder.stop()`. */
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

type Entry = { track: MediaStreamTrack; side: 'local' | 'remote'; audio?: TrackRecording }

export function recordPeerConnection(recorder: Pick<Recorder, 'record' | 'getSnapshot' | 'attach'>, connection: RTCPeerConnection, options: RecordPeerConnectionOptions = {}): PeerConnectionRecording {
  const safe = createSafeRecorder(recorder, options.onError)
  const known = new Map<string, Entry>()
  /** Audio streams stopping: stop() waits for their last slices. */
  const stopping = new Set<Promise<void>>()
  let stopped = false

  const startAudio = (entry: Entry) => {
    if (options.audio === false || entry.track.kind !== 'audio') return
    entry.audio = recordTrack(recorder, entry.track, entry.side === 'local' ? 'input' : 'output', { trackId: entry.track.id, side: entry.side }, safe)
  }
  const stopAudio = (entry: Entry) => {
    if (!entry.audio) return
    const done = entry.audio.stop().catch((error: unknown) => safe.fail(error))
    entry.audio = undefined
    stopping.add(done)
    void done.then(() => stopping.delete(done))
  }

  /** The tracks in use now: what the page sends, and what the other side sends it. */
  const scan = () => {
    if (stopped) return
    try {
      const now = new Map<string, Entry>()
      for (const transceiver of connection.getTransceivers()) {
        const direction = transceiver.currentDirection
        // A stopped transceiver (stop(), or the other side rejected it) carries nothing either way.
        if (direction === 'stopped' || transceiver.direction === 'stopped') continue
        const sent = transceiver.sender.track
        if (sent) now.set(`local:${sent.id}`, { track: sent, side: 'local' })
        if (direction === 'recvonly' || direction === 'sendrecv') now.set(`remote:${transceiver.receiver.track.id}`, { track: transceiver.receiver.track, side: 'remote' })
      }
      for (const [key, entry] of known) {
        if (now.has(key)) continue
        known.delete(key)
        report('removed', entry)
        stopAudio(entry)
      }
      for (const [key, entry] of now) {
        if (known.has(key)) continue
        known.set(key, entry)
        report('added', entry)
        startAudio(entry)
      }
    } catch (error) {
      safe.fail(error)
    }
  }
  const report = (change: 'added' | 'removed', { track, side }: Entry) =>
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

  // A remote stream losing a track (the other side removed it) is looked at again at once.
  const onRemoveTrack = () => queueMicrotask(scan)
  const streams = new Set<MediaStream>()
  const onTrack = (event: RTCTrackEvent) => {
    for (const stream of event.streams) {
      if (streams.has(stream)) continue
      streams.add(stream)
      stream.addEventListener('removetrack', onRemoveTrack)
    }
    queueMicrotask(scan)
  }
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
      for (const stream of streams) stream.removeEventListener('removetrack', onRemoveTrack)
      for (const entry of known.values()) stopAudio(entry)
      await Promise.all(stopping)
    },
  }
}

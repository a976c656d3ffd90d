/**
 * The call-quality figures of one `RTCPeerConnection.getStats()` report: round-trip time, jitter
 * and packet loss of the received audio over the interval since the previous report, and the
 * received audio level. Pure: a report is a list of stats objects, so it is tested without WebRTC.
 */

export interface RtcQuality {
  /** Of the selected candidate pair (or the remote side's report of our audio), ms. */
  roundTripTimeMs?: number
  /** Of the received audio, ms. */
  jitterMs?: number
  /** Lost / expected received audio packets since the previous report, 0..1. */
  packetLoss?: number
  /** Of the received audio, 0..1. */
  audioLevel?: number
}

/** Cumulative packet counters carried from one report to the next. */
export interface RtcCounters {
  lost: number
  received: number
}

type Stat = Record<string, unknown>
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)
const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 10_000) / 10)

export function readRtcQuality(stats: Iterable<Stat>, previous?: RtcCounters): { quality: RtcQuality; counters: RtcCounters } {
  let rtt: number | undefined
  let remoteRtt: number | undefined
  let jitter: number | undefined
  let level: number | undefined
  const counters: RtcCounters = { lost: 0, received: 0 }
  for (const stat of stats) {
    if (stat.type === 'candidate-pair' && (stat.nominated === true || stat.selected === true) && stat.state === 'succeeded') {
      rtt = num(stat.currentRoundTripTime) ?? rtt
    } else if (stat.type === 'remote-inbound-rtp' && stat.kind === 'audio') {
      remoteRtt = num(stat.roundTripTime) ?? remoteRtt
    } else if (stat.type === 'inbound-rtp' && stat.kind === 'audio') {
      jitter = Math.max(jitter ?? 0, num(stat.jitter) ?? 0)
      level = num(stat.audioLevel) ?? level
      counters.lost += Math.max(0, num(stat.packetsLost) ?? 0)
      counters.received += num(stat.packetsReceived) ?? 0
    }
  }
  const lost = counters.lost - (previous?.lost ?? 0)
  const expected = lost + counters.received - (previous?.received ?? 0)
  const quality: RtcQuality = {}
  const roundTrip = ms(rtt ?? remoteRtt)
  if (roundTrip !== undefined) quality.roundTripTimeMs = roundTrip
  if (jitter !== undefined) quality.jitterMs = ms(jitter)
  if (expected > 0) quality.packetLoss = Math.round((Math.max(0, lost) / expected) * 10_000) / 10_000
  if (level !== undefined) quality.audioLevel = Math.round(level * 1000) / 1000
  return { quality, counters }
}

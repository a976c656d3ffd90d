/**
 * Voice analytics of a recording (`computeStats(recording).speech`): who talked how long, the
 * silence and overlaps between them, barge-ins, turn latency, words per minute, and the call
 * quality sampled from WebRTC. Talk time is read from `transcript.segment` start and end times
 * (on the session clock), so it is the time each speaker's words span, not a level meter.
 */
import type { TapedeckEvent } from '@tapedeck/core'
import { distribution, type Distribution } from './distribution'

export interface SpeakerStats {
  /** Transcript segments (turns) of this speaker. */
  turns: number
  /** The union of this speaker's segments, ms. */
  talkTimeMs: number
  words: number
  /** words / talk time, `null` without talk time. */
  wordsPerMinute: number | null
}

export interface SpeechStats {
  /** By speaker (`user`, `assistant`, …). */
  speakers: Record<string, SpeakerStats>
  /** From the first segment's start to the last one's end, ms. */
  spanMs: number
  /** Time in that span nobody spoke, ms. */
  silenceMs: number
  /** Time two or more speakers spoke at once, ms. */
  overlapMs: number
  /** `turn.interrupted` events (barge-ins), and by reason (`user-speech`, `client-cancel`). */
  interruptions: { total: number; byReason: Record<string, number> }
  /** End of the user's speech → first audio of the answer (`turnLatencyMs` of provider calls). */
  turnLatencyMs: Distribution
  /** WebRTC quality samples (`metric.sampled` `rtc.*`, written by recordPeerConnection). */
  quality: { roundTripTimeMs: Distribution; jitterMs: Distribution; packetLoss: Distribution }
}

type Interval = [start: number, end: number]

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/** Sorted, disjoint intervals covering the same time. */
function union(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter(([start, end]) => end > start).sort((a, b) => a[0] - b[0])
  const merged: Interval[] = []
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1]
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else merged.push([start, end])
  }
  return merged
}

const length = (intervals: Interval[]) => intervals.reduce((sum, [start, end]) => sum + (end - start), 0)
const round = (value: number) => Math.round(value * 10) / 10
const words = (text: string) => text.split(/\s+/).filter(Boolean).length

/** `undefined` when the recording holds no voice (no transcript, no barge-in, no turn latency, no WebRTC sample). */
export function computeSpeechStats(events: readonly TapedeckEvent[]): SpeechStats | undefined {
  const segments = new Map<string, { intervals: Interval[]; turns: number; words: number }>()
  const byReason: Record<string, number> = {}
  let interruptions = 0
  const latencies: number[] = []
  const quality = { roundTripTimeMs: [] as number[], jitterMs: [] as number[], packetLoss: [] as number[] }
  const metrics: Record<string, number[]> = { 'rtc.roundTripTime': quality.roundTripTimeMs, 'rtc.jitter': quality.jitterMs, 'rtc.packetLoss': quality.packetLoss }

  for (const event of events) {
    const data = event.data as Record<string, unknown>
    if (event.type === 'transcript.segment') {
      const speaker = typeof data.speaker === 'string' ? data.speaker : 'unknown'
      let entry = segments.get(speaker)
      if (!entry) segments.set(speaker, (entry = { intervals: [], turns: 0, words: 0 }))
      entry.turns++
      entry.words += typeof data.text === 'string' ? words(data.text) : 0
      const start = num(data.startT)
      const end = num(data.endT)
      if (start !== undefined && end !== undefined) entry.intervals.push([start, end])
    } else if (event.type === 'turn.interrupted') {
      interruptions++
      const reason = typeof data.reason === 'string' ? data.reason : 'unknown'
      byReason[reason] = (byReason[reason] ?? 0) + 1
    } else if (event.type === 'provider.call.completed') {
      const latency = num(data.turnLatencyMs)
      if (latency !== undefined) latencies.push(latency)
    } else if (event.type === 'metric.sampled' && typeof data.name === 'string' && data.name in metrics) {
      const value = num(data.value)
      if (value !== undefined) metrics[data.name]!.push(value)
    }
  }
  if (!segments.size && !interruptions && !latencies.length && !quality.roundTripTimeMs.length && !quality.jitterMs.length && !quality.packetLoss.length) return undefined

  const speakers: Record<string, SpeakerStats> = {}
  const all: Interval[] = []
  // Overlap: the sum of each speaker's own talk time minus the time anyone talked, counted by a sweep.
  const edges: Array<[t: number, delta: number]> = []
  for (const [speaker, entry] of [...segments].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const own = union(entry.intervals)
    const talk = length(own)
    speakers[speaker] = { turns: entry.turns, talkTimeMs: round(talk), words: entry.words, wordsPerMinute: talk > 0 ? round(entry.words / (talk / 60_000)) : null }
    all.push(...own)
    for (const [start, end] of own) edges.push([start, 1], [end, -1])
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let overlap = 0
  let active = 0
  let previous = 0
  for (const [t, delta] of edges) {
    if (active >= 2) overlap += t - previous
    active += delta
    previous = t
  }
  const spoken = union(all)
  const spanMs = spoken.length ? spoken[spoken.length - 1]![1] - spoken[0]![0] : 0
  return {
    speakers,
    spanMs: round(spanMs),
    silenceMs: round(spanMs - length(spoken)),
    overlapMs: round(overlap),
    interruptions: { total: interruptions, byReason },
    turnLatencyMs: distribution(latencies),
    quality: { roundTripTimeMs: distribution(quality.roundTripTimeMs), jitterMs: distribution(quality.jitterMs), packetLoss: distribution(quality.packetLoss) },
  }
}

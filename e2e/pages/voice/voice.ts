// The voice test page: a recorder with audio capture, and what a test needs to judge a recording
// read back: the stored parts of a track, concatenated, decoded and measured in the page.
import { createRecorder, type Recorder } from '@tapedeck/core'

/** A recorder for the voice tests: audio consent is not asked for (the tests are about capture). */
function voiceRecorder(dbName = 'voice'): Recorder {
  return createRecorder({ dbName, consent: { mode: 'none', audio: 'none' } })
}

export interface TrackReadBack {
  parts: number[]
  /** Sum of the parts' durationMs, in seconds. */
  spanS: number
  decodedS: number
  rms: number
  /** The strongest frequency between 100 and 2000 Hz (5 Hz steps), over the middle of the track. */
  peakHz: number
  /** From zero crossings over the same stretch. */
  crossingHz: number
  /** audio.input events: their parts, in seq order, and whether each names a stored part exactly. */
  eventParts: number[]
  eventsMatch: boolean
}

async function readTrack(sessionId: string, blobId: string, dbName = 'voice'): Promise<TrackReadBack> {
  const recorder = voiceRecorder(dbName)
  try {
    const records = (await recorder.sessions.blobs(sessionId)).filter((record) => record.blobId === blobId)
    const blobs = await Promise.all(records.map((record) => recorder.sessions.blob(sessionId, blobId, record.part)))
    const context = new AudioContext()
    const audio = await context.decodeAudioData(await new Blob(blobs.map((blob) => blob!)).arrayBuffer())
    void context.close()
    const events = (await recorder.sessions.events(sessionId)).filter((event) => event.type === 'audio.input')
    const byPart = new Map(records.map((record) => [record.part, record]))
    const eventsMatch = events.every((event) => {
      const data = event.data as { blobId: string; part: number; bytes: number; startT: number; durationMs: number }
      const record = byPart.get(data.part)
      return data.blobId === blobId && !!record && record.size === data.bytes && record.startT === data.startT && record.durationMs === data.durationMs
    })
    const middle = audio.getChannelData(0).subarray(Math.floor(audio.sampleRate * 0.5), Math.floor(audio.sampleRate * Math.max(1, audio.duration - 0.5)))
    return {
      parts: records.map((record) => record.part),
      spanS: records.reduce((sum, record) => sum + (record.durationMs ?? 0), 0) / 1000,
      decodedS: audio.duration,
      rms: Math.sqrt(middle.reduce((sum, x) => sum + x * x, 0) / middle.length),
      peakHz: peakFrequency(middle.subarray(0, audio.sampleRate), audio.sampleRate),
      crossingHz: crossings(middle) / 2 / (middle.length / audio.sampleRate),
      eventParts: events.map((event) => (event.data as { part: number }).part),
      eventsMatch,
    }
  } finally {
    await recorder.close()
  }
}

/** Goertzel power at each candidate frequency; the loudest wins. */
function peakFrequency(samples: Float32Array, rate: number): number {
  let best = { hz: 0, power: -1 }
  for (let hz = 100; hz <= 2000; hz += 5) {
    const coefficient = 2 * Math.cos((2 * Math.PI * hz) / rate)
    let s1 = 0
    let s2 = 0
    for (const x of samples) {
      const s0 = x + coefficient * s1 - s2
      s2 = s1
      s1 = s0
    }
    const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
    if (power > best.power) best = { hz, power }
  }
  return best.hz
}

function crossings(samples: Float32Array): number {
  let count = 0
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) count++
  return count
}

const voice = { createRecorder: voiceRecorder, readTrack }
export type VoicePage = typeof voice

declare global {
  interface Window {
    voice: VoicePage
  }
}

Object.assign(window, { voice })
document.body.dataset.ready = 'true'

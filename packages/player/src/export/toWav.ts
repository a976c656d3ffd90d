import { isTapedeckError } from '@tapedeck/core'
import { wavHeader, WAV_HEADER_BYTES } from '@tapedeck/core/realtime'
import { playerError } from '../playerError'
import type { Recording } from '../recording/Recording'

export interface WavOptions {
  /** Sample rate to decode at (Web Audio resamples to it). Default 48000. */
  sampleRate?: number
}

/**
 * 16-bit PCM WAV of the given channels (equal lengths, samples in -1…1, clipped). Pure: works
 * anywhere, for audio decoded by any means.
 */
export function encodeWav(channels: readonly Float32Array[], sampleRate: number): Uint8Array<ArrayBuffer> {
  if (channels.length === 0) throw playerError('invalid_options', 'encodeWav needs at least one channel.')
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw playerError('invalid_options', `sampleRate must be a positive integer, not ${sampleRate}.`)
  const frames = channels[0]!.length
  const count = channels.length
  const bytes = new Uint8Array(WAV_HEADER_BYTES + frames * count * 2)
  bytes.set(wavHeader(frames * count * 2, sampleRate, count))
  const view = new DataView(bytes.buffer)
  let offset = WAV_HEADER_BYTES
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < count; c++) {
      // Scaled by 32768 and rounded, as decoders read 16-bit PCM (x / 32768): a decode and
      // re-encode gives back the same integers.
      view.setInt16(offset, Math.max(-32768, Math.min(32767, Math.round((channels[c]![i] ?? 0) * 32768))), true)
      offset += 2
    }
  }
  return bytes
}

/**
 * One audio track of a recording as a WAV file (16-bit PCM), in a browser: the parts of each of
 * the track's blobs are concatenated in order into one Blob and decoded once with
 * `decodeAudioData` (MediaRecorder slices do not decode alone); several blobs on one track are
 * laid out at their recorded start times, silence between. Throws `audio_unsupported` where
 * there is no Web Audio (Node), `blob_not_found` when the track has no audio, `invalid_blob`
 * when the bytes cannot be decoded.
 */
export async function toWav(recording: Recording, track: 'input' | 'output' | (string & {}), options: WavOptions = {}): Promise<Blob> {
  const Offline = (globalThis as { OfflineAudioContext?: typeof OfflineAudioContext }).OfflineAudioContext
  if (typeof Offline !== 'function') {
    throw playerError('audio_unsupported', 'toWav decodes audio with Web Audio, which this environment (Node?) does not have: run it in a browser, or decode the parts yourself and use encodeWav().')
  }
  const sampleRate = options.sampleRate ?? 48_000
  const parts = recording.blobs.track(track)
  const blobIds = [...new Set(parts.map((part) => part.blobId))]
  if (blobIds.length === 0) throw playerError('blob_not_found', `The recording has no audio on track "${track}".`)

  const context = new Offline(1, 1, sampleRate)
  const decoded: Array<{ startT: number; buffer: AudioBuffer }> = []
  for (const blobId of blobIds) {
    const blob = await recording.blobs.trackBlob(track, blobId)
    if (!blob) continue
    let buffer: AudioBuffer
    try {
      buffer = await context.decodeAudioData(await blob.arrayBuffer())
    } catch (error) {
      if (isTapedeckError(error)) throw error
      throw playerError('invalid_blob', `The audio of blob ${blobId} (${blob.type || 'unknown type'}) could not be decoded.`, error)
    }
    const startT = Math.min(...parts.filter((part) => part.blobId === blobId).map((part) => part.startT ?? 0))
    decoded.push({ startT, buffer })
  }
  decoded.sort((a, b) => a.startT - b.startT)
  const origin = decoded[0]!.startT
  const channelCount = Math.max(...decoded.map(({ buffer }) => buffer.numberOfChannels))
  const placed = decoded.map(({ startT, buffer }) => ({ at: Math.round(((startT - origin) / 1000) * sampleRate), buffer }))
  // A blob starts where it was recorded, or after the one before if that ran longer.
  let end = 0
  for (const item of placed) {
    item.at = Math.max(item.at, end)
    end = item.at + item.buffer.length
  }
  const channels = Array.from({ length: channelCount }, () => new Float32Array(end))
  for (const { at, buffer } of placed) {
    for (let c = 0; c < channelCount; c++) {
      // A mono blob in a stereo track plays on both sides.
      channels[c]!.set(buffer.getChannelData(Math.min(c, buffer.numberOfChannels - 1)), at)
    }
  }
  return new Blob([encodeWav(channels, sampleRate)], { type: 'audio/wav' })
}

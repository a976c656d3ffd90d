/**
 * The audio of an OpenAI Realtime session held over a WebSocket, where it is not a track but
 * base64 PCM16 inside events: the app's `input_audio_buffer.append` (the microphone, `audio.input`)
 * and the server's `response.output_audio.delta` / beta `response.audio.delta` (the assistant,
 * `audio.output`). Each track is laid on the session clock by PcmTrack and stored through the
 * recorder's public `attach()` as self-contained WAV parts (`audio/wav`, about one second each),
 * each named by its `audio.*` event with `sampleRate`. Needs audio consent, as `recorder.audio`.
 *
 * Timing: an appended piece ended when the app sent it; the assistant's audio plays from its
 * first delta on, piece after piece (as a playback queue does), and is stored once heard. A
 * barge-in (`input_audio_buffer.speech_started`), the app's `response.cancel` or its
 * `conversation.item.truncate` stops that playback: the rest of the answer is not stored.
 * G.711 (`audio/pcmu`, `g711_ulaw`…) is not recorded.
 */
import type { Recorder } from '../client/types'
import type { SafeRecorder } from '../instrument/safeRecorder'
import { createId } from '../util/ulid'
import { audioAllowed } from './audioAllowed'
import { encodeWav } from './encodeWav'
import { PcmTrack, type PcmPart } from './PcmTrack'

export interface SocketAudio {
  /** An event the server sent (parsed JSON); never throws (a delta that is not base64 is counted in `safe`). */
  server(event: unknown): void
  /** An event the app sent (parsed JSON); never throws. */
  client(event: unknown): void
  /** Writes what is held (heard or not) and resolves when every part is stored. */
  stop(): Promise<void>
}

type Raw = Record<string, unknown>
type Side = 'input' | 'output'

/** OpenAI Realtime's PCM rate; the GA session names it (`audio.input.format.rate`), the beta does not. */
const DEFAULT_RATE = 24_000
const OUTPUT_DELTA = new Set(['response.output_audio.delta', 'response.audio.delta'])

const obj = (value: unknown): Raw => (value !== null && typeof value === 'object' ? (value as Raw) : {})

/** The PCM sample rate of a session's audio format (GA object or beta string), `null` when not PCM16. */
export function pcmRate(format: unknown): number | null {
  if (typeof format === 'string') return format === 'pcm16' ? DEFAULT_RATE : null
  const { type, rate } = obj(format)
  if (type !== 'audio/pcm') return null
  return typeof rate === 'number' && rate > 0 ? rate : DEFAULT_RATE
}

/** Native base64 decoding where the browser has it (Chromium 140+, Firefox 133+, Safari 18.2+). */
const fromBase64 = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64

export function decodeBase64(text: string): Uint8Array {
  if (fromBase64) return fromBase64.call(Uint8Array, text)
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function recordSocketAudio(recorder: Pick<Recorder, 'attach' | 'getSnapshot'>, safe: SafeRecorder, now: () => number): SocketAudio {
  const rates: Record<Side, number | null> = { input: DEFAULT_RATE, output: DEFAULT_RATE }
  const write = (side: Side) => async (part: PcmPart) => {
    if (!audioAllowed(recorder)) return
    const wav = encodeWav(part.pcm, part.sampleRate)
    const bytes = wav.byteLength
    const meta = { blobId: part.blobId, part: part.part, mimeType: 'audio/wav', startT: part.startT, durationMs: part.durationMs }
    try {
      await recorder.attach(wav, { ...meta, track: side })
      safe.record(side === 'input' ? 'audio.input' : 'audio.output', { ...meta, bytes, sampleRate: part.sampleRate, channels: 1 })
    } catch (error) {
      safe.fail(error)
    }
  }
  const track = (side: Side) => new PcmTrack({ now, newBlobId: () => createId('a_'), write: write(side) })
  const input = track('input')
  const output = track('output')
  let outputItem: { id: unknown; startT: number } | undefined

  const configure = (session: Raw) => {
    const audio = obj(session.audio)
    const inputFormat = obj(audio.input).format ?? session.input_audio_format
    const outputFormat = obj(audio.output).format ?? session.output_audio_format
    if (inputFormat !== undefined) rates.input = pcmRate(inputFormat)
    if (outputFormat !== undefined) rates.output = pcmRate(outputFormat)
  }
  const cutOutput = (atT: number) => {
    output.cut(atT)
    outputItem = undefined
  }

  const guard = (read: (event: Raw) => void) => (event: unknown) => {
    try {
      read(obj(event))
    } catch (error) {
      safe.fail(error)
    }
  }

  return {
    server: guard((event) => {
      const type = event.type
      if (OUTPUT_DELTA.has(type as string)) {
        if (typeof event.delta !== 'string' || !rates.output) return
        const t = now()
        if (!outputItem || outputItem.id !== event.item_id) {
          output.end()
          outputItem = { id: event.item_id, startT: Math.max(t, output.endT()) }
        }
        output.add(decodeBase64(event.delta), rates.output, t)
      } else if (type === 'input_audio_buffer.speech_started') cutOutput(now())
      else if (type === 'session.created' || type === 'session.updated') configure(obj(event.session))
    }),
    client: guard((event) => {
      const type = event.type
      if (type === 'input_audio_buffer.append') {
        if (typeof event.audio !== 'string' || !rates.input) return
        const pcm = decodeBase64(event.audio)
        input.add(pcm, rates.input, now() - (pcm.byteLength / 2 / rates.input) * 1000)
      } else if (type === 'response.cancel') cutOutput(now())
      else if (type === 'conversation.item.truncate') {
        const end = event.audio_end_ms
        if (outputItem && event.item_id === outputItem.id && typeof end === 'number') cutOutput(Math.min(now(), outputItem.startT + end))
      } else if (type === 'session.update') configure(obj(event.session))
    }),
    async stop() {
      await Promise.all([input.drain(), output.drain()])
    },
  }
}

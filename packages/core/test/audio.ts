/** Audio for tests in a real Chromium, without a microphone: a live tone, a WAV, the first click. */
import { userEvent } from 'vitest/browser'
import { encodeWav } from '../src/realtime/encodeWav'

/** Web Audio and media playback start only after the user interacted with the page (autoplay policy): one real click, as a user's first click in a voice app. */
export async function clickToAllowAudio(): Promise<void> {
  const button = document.createElement('button')
  button.textContent = 'Talk'
  document.body.append(button)
  await userEvent.click(button)
  button.remove()
}

/** A live stream of a sine, made by Web Audio; `close()` ends it. */
export async function toneStream(frequency = 440, gain = 0.5): Promise<{ stream: MediaStream; context: AudioContext; close: () => Promise<void> }> {
  const context = new AudioContext()
  await context.resume()
  const oscillator = new OscillatorNode(context, { frequency })
  const destination = context.createMediaStreamDestination()
  oscillator.connect(new GainNode(context, { gain })).connect(destination)
  oscillator.start()
  return { stream: destination.stream, context, close: () => context.close() }
}

/** A sine as 16-bit little-endian mono PCM samples (what a Realtime append or audio delta carries, base64). */
export function sinePcm(frequency: number, seconds: number, rate = 48_000, amplitude = 16_000): Uint8Array {
  const samples = new Int16Array(Math.round(rate * seconds))
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(Math.sin((2 * Math.PI * frequency * i) / rate) * amplitude)
  return new Uint8Array(samples.buffer)
}

/** A 16-bit mono PCM WAV of a sine. */
export function sineWav(frequency: number, seconds: number, rate = 48_000, amplitude = 16_000): Blob {
  return new Blob([encodeWav(sinePcm(frequency, seconds, rate, amplitude), rate)], { type: 'audio/wav' })
}

/** Audio for tests in a real Chromium, without a microphone: a live tone, a WAV, the first click. */
import { userEvent } from 'vitest/browser'

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

/** A 16-bit mono PCM WAV of a sine. */
export function sineWav(frequency: number, seconds: number, rate = 48_000, amplitude = 16_000): Blob {
  const n = Math.round(rate * seconds)
  const view = new DataView(new ArrayBuffer(44 + n * 2))
  const text = (offset: number, value: string) => [...value].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)))
  text(0, 'RIFF')
  view.setUint32(4, 36 + n * 2, true)
  text(8, 'WAVEfmt ')
  view.setUint32(16, 16, true)
  view.setUint16(20, 1, true) // PCM
  view.setUint16(22, 1, true) // mono
  view.setUint32(24, rate, true)
  view.setUint32(28, rate * 2, true)
  view.setUint16(32, 2, true)
  view.setUint16(34, 16, true)
  text(36, 'data')
  view.setUint32(40, n * 2, true)
  for (let i = 0; i < n; i++) view.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * frequency * i) / rate) * amplitude), true)
  return new Blob([view.buffer], { type: 'audio/wav' })
}

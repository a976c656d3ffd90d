/**
 * The conversation of conversationScript.ts as it goes over a WebSocket: no audio tracks, so the
 * assistant's voice is `response.output_audio.delta` events (base64 PCM16) and the microphone is
 * the app's `input_audio_buffer.append` events; there is no output audio buffer to start or clear.
 */
import { CONVERSATION } from './conversationScript'
import type { ScriptStep } from './createMockRealtimePeer'

/** 20 ms of 24 kHz PCM16 silence-ish audio, base64: what an audio delta or an append carries. */
const PCM = btoa(String.fromCharCode(...new Uint8Array(960).map((_, i) => (i * 37) % 256)))

export const SOCKET_CONVERSATION: ScriptStep[] = CONVERSATION.flatMap((step): ScriptStep[] => {
  if ('speak' in step) return []
  if ('server' in step) {
    const event = step.server
    if (event.type === 'output_audio_buffer.started') {
      const delta = { type: 'response.output_audio.delta', response_id: event.response_id, item_id: `item_a${String(event.response_id).slice(-1)}`, output_index: 0, content_index: 0, delta: PCM }
      return [{ after: step.after, server: delta }, { server: { ...delta, event_id: 'again' } }]
    }
    if (String(event.type).startsWith('output_audio_buffer.')) return []
    if (event.type === 'input_audio_buffer.speech_started') {
      // The microphone is streamed by the app as it speaks.
      return [{ after: step.after, client: { type: 'input_audio_buffer.append', audio: PCM } }, { server: event }]
    }
  }
  return [step]
})
